import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { optionalPositiveInteger, optionalText, requiredId, stringField } from '../../src/http/fields.ts';
import { parseQuery, splitUrl } from '../../src/http/query.ts';

describe('query strings', () => {
  it('never fails on what the course\'s querystring.parse accepts', () => {
    assert.deepEqual(parseQuery('1=1&&author=&keyword=%'), { 1: '1', author: '', keyword: '%' });
    assert.deepEqual(parseQuery(''), {});
    assert.deepEqual(parseQuery('keyword=%E6%90%9C&x=a+b'), { keyword: '搜', x: 'a b' });
    assert.deepEqual(parseQuery('keyword=%zz%'), { keyword: '%zz%' });
  });

  it('keeps the first value of a repeated key', () => {
    assert.deepEqual(parseQuery('author=a&author=b'), { author: 'a' });
  });

  it('splits a request target', () => {
    assert.deepEqual(splitUrl('/api/blog/list?a=1?b'), { path: '/api/blog/list', search: 'a=1?b' });
    assert.deepEqual(splitUrl('/'), { path: '/', search: '' });
  });
});

describe('fields', () => {
  it('reads ids as positive safe integers', () => {
    assert.equal(requiredId({ id: '42' }), 42);
    for (const id of ['', '0', '-1', '1.0', '01', '1e3', ' 1', '9007199254740993', 'abc']) {
      assert.throws(() => requiredId({ id }), { code: 'INVALID_PARAMETER' }, id);
    }
    assert.throws(() => requiredId({}), { code: 'INVALID_PARAMETER' });
  });

  it('treats empty optional values as absent', () => {
    assert.equal(optionalText({ author: '' }, 'author'), undefined);
    assert.equal(optionalPositiveInteger({ page: '' }, 'page'), undefined);
    assert.equal(optionalPositiveInteger({ page: '3' }, 'page'), 3);
  });

  it('accepts strings, null and absence for string fields, and nothing else', () => {
    assert.equal(stringField({ title: 't' }, 'title'), 't');
    assert.equal(stringField({ title: null }, 'title'), '');
    assert.equal(stringField({}, 'title'), '');
    for (const title of [1, true, ['a'], { a: 1 }]) assert.throws(() => stringField({ title }, 'title'), { code: 'INVALID_PARAMETER' });
  });
});
