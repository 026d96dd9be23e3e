import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { optionalPositiveInteger, optionalText, queryFields, requiredId, stringField } from '../../src/http/fields.ts';
import { parseQuery, splitUrl } from '../../src/http/query.ts';

describe('query strings', () => {
  it('never fails on what the course\'s querystring.parse accepts', () => {
    const read = (search: string) => ({ ...queryFields(parseQuery(search)) });
    assert.deepEqual(read('1=1&&author=&keyword=%'), { 1: '1', author: '', keyword: '%' });
    assert.deepEqual(read(''), {});
    assert.deepEqual(read('keyword=%E6%90%9C&x=a+b'), { keyword: '搜', x: 'a b' });
    assert.deepEqual(read('keyword=%zz%&t=%E6%90'), { keyword: '%zz%', t: '\uFFFD' });
  });

  it('keeps the first value of a repeated key', () => {
    assert.equal(parseQuery('author=a&author=b').get('author'), 'a');
    assert.deepEqual(queryFields(parseQuery('author=a&author=b&__proto__=x')), { author: 'a' });
  });

  it('splits a request target', () => {
    assert.deepEqual(splitUrl('/api/blog/list?a=1?b'), { path: '/api/blog/list', search: 'a=1?b' });
    assert.deepEqual(splitUrl('/'), { path: '/', search: '' });
  });
});

describe('fields', () => {
  it('reads ids as positive safe integers', () => {
    assert.equal(requiredId(parseQuery('id=42')), 42);
    for (const id of ['', '0', '-1', '1.0', '01', '1e3', ' 1', '9007199254740993', 'abc']) {
      assert.throws(() => requiredId(parseQuery(`id=${encodeURIComponent(id)}`)), { code: 'INVALID_PARAMETER' }, id);
    }
    assert.throws(() => requiredId(parseQuery('')), { code: 'INVALID_PARAMETER' });
  });

  it('treats empty optional values as absent', () => {
    assert.equal(optionalText(parseQuery('author='), 'author'), undefined);
    assert.equal(optionalPositiveInteger(parseQuery('page'), 'page'), undefined);
    assert.equal(optionalPositiveInteger(parseQuery('page=3'), 'page'), 3);
  });

  it('accepts strings, null and absence for string fields, and nothing else', () => {
    assert.equal(stringField({ title: 't' }, 'title'), 't');
    assert.equal(stringField({ title: null }, 'title'), '');
    assert.equal(stringField({}, 'title'), '');
    for (const title of [1, true, ['a'], { a: 1 }]) assert.throws(() => stringField({ title }, 'title'), { code: 'INVALID_PARAMETER' });
  });
});
