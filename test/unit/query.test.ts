import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bodyFields, field, readBodyInput, readQueryInput } from '../../src/http/inputs.ts';
import { parseQuery, splitUrl } from '../../src/http/query.ts';

describe('query strings', () => {
  it('never fails on what the course\'s querystring.parse accepts', () => {
    const read = (search: string) => Object.fromEntries(parseQuery(search).entries());
    assert.deepEqual(read('1=1&&author=&keyword=%'), { 1: '1', author: '', keyword: '%' });
    assert.deepEqual(read(''), {});
    assert.deepEqual(read('keyword=%E6%90%9C&x=a+b'), { keyword: '搜', x: 'a b' });
    assert.deepEqual(read('keyword=%zz%&t=%E6%90'), { keyword: '%zz%', t: '\uFFFD' });
  });

  it('keeps the first value of a repeated key', () => {
    assert.equal(parseQuery('author=a&author=b').get('author'), 'a');
    assert.deepEqual(readQueryInput({ author: field.text('') }, parseQuery('author=a&author=b&__proto__=x')), { author: 'a' });
  });

  it('splits a request target', () => {
    assert.deepEqual(splitUrl('/api/blog/list?a=1?b'), { path: '/api/blog/list', search: 'a=1?b' });
    assert.deepEqual(splitUrl('/'), { path: '/', search: '' });
  });
});

describe('declared inputs', () => {
  const id = { id: field.id('') };
  const title = { title: field.string('') };

  it('reads ids as positive safe integers', () => {
    assert.equal(readQueryInput(id, parseQuery('id=42')).id, 42);
    for (const value of ['', '0', '-1', '1.0', '01', '1e3', ' 1', '9007199254740993', 'abc']) {
      assert.throws(() => readQueryInput(id, parseQuery(`id=${encodeURIComponent(value)}`)), { code: 'INVALID_PARAMETER', message: '参数错误: id 必须是正整数' }, value);
    }
    assert.throws(() => readQueryInput(id, parseQuery('')), { code: 'INVALID_PARAMETER' });
  });

  it('treats empty optional values as absent', () => {
    assert.equal(readQueryInput({ author: field.text('') }, parseQuery('author=')).author, undefined);
    assert.equal(readQueryInput({ page: field.integer('') }, parseQuery('page')).page, undefined);
    assert.equal(readQueryInput({ page: field.integer('') }, parseQuery('page=3')).page, 3);
    assert.deepEqual(readQueryInput({ isadmin: field.flag('') }, parseQuery('isadmin=')), { isadmin: false });
    assert.deepEqual(readQueryInput({ isadmin: field.flag('') }, parseQuery('isadmin=0')), { isadmin: true });
  });

  it('accepts strings, null and absence for string fields, and nothing else', () => {
    assert.equal(readBodyInput(title, { title: 't' }).title, 't');
    assert.equal(readBodyInput(title, { title: null }).title, '');
    assert.equal(readBodyInput(title, {}).title, '');
    for (const value of [1, true, ['a'], { a: 1 }]) {
      assert.throws(() => readBodyInput(title, { title: value }), { code: 'INVALID_PARAMETER', message: '参数错误: title 必须是字符串' });
    }
  });

  it('refuses U+0000 and lone surrogates in text and strings, keeps well-formed pairs', () => {
    const message = (name: string) => `参数错误: ${name} 含有不允许的字符 (U+0000 或不成对的代理项)`;
    for (const value of ['\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00\ude00']) {
      assert.throws(() => readBodyInput(title, { title: value }), { code: 'INVALID_PARAMETER', message: message('title') }, JSON.stringify(value));
    }
    // A query is percent-encoded UTF-8: it can carry U+0000, and a lone surrogate only as U+FFFD.
    assert.throws(() => readQueryInput({ keyword: field.text('') }, parseQuery('keyword=a%00')), { code: 'INVALID_PARAMETER', message: message('keyword') });
    assert.equal(readBodyInput(title, { title: '😀\uFFFD\u0001' }).title, '😀\uFFFD\u0001');
    assert.equal(readQueryInput({ keyword: field.text('') }, parseQuery('keyword=%ED%A0%80')).keyword, '\uFFFD'.repeat(3));
  });

  it('reads only own, declared fields of a body', () => {
    const body = bodyFields(JSON.parse('{"__proto__": {"title": "x"}, "other": 1}'));
    assert.deepEqual(readBodyInput(title, body), { title: '' });
  });

  it('takes an object as a body, nothing else', () => {
    assert.deepEqual(bodyFields(undefined), {});
    assert.deepEqual(bodyFields(''), {});
    for (const value of [[1], 'text', 3, true]) assert.throws(() => bodyFields(value), { code: 'MALFORMED_BODY' });
  });
});
