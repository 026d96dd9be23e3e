/**
 * What a route declares is what every engine serves: typed inputs read from the query and the body,
 * document answers in their own content type, and a log line when a handler answers an error its
 * route does not declare. Runs a small route table of its own on each engine.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BlogError } from '../../src/core/errors.ts';
import { ENGINE_NAMES, engineNamed } from '../../src/engines/index.ts';
import { createApi } from '../../src/http/api.ts';
import { field } from '../../src/http/inputs.ts';
import { defineRoute, type Services } from '../../src/http/route.ts';
import { MemorySessionStore } from '../../src/sessions/memory-store.ts';
import { Sessions } from '../../src/sessions/sessions.ts';
import { Client } from '../helpers/client.ts';

const feed = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>测试</title></channel></rss>';

const routes = [
  defineRoute({
    methods: ['GET'],
    path: '/api/test/feed',
    auth: 'none',
    summary: 'a document answer',
    document: 'application/rss+xml; charset=utf-8',
    handle: async () => ({ document: feed, headers: { 'Cache-Control': 'public, max-age=60' } }),
  }),
  defineRoute({
    methods: ['GET', 'POST'],
    path: '/api/test/echo',
    auth: 'none',
    summary: 'echoes its declared inputs',
    query: { id: field.id('an id'), tag: field.text('a tag'), page: field.integer('a page'), flag: field.flag('a flag') },
    body: { name: field.string('a name') },
    handle: async ({ query, body }) => ({ data: { query, body } }),
  }),
  defineRoute({
    methods: ['GET'],
    path: '/api/test/undeclared',
    auth: 'none',
    summary: 'answers an error it does not declare',
    errors: ['BLOG_DELETE_FAILED'],
    handle: async () => {
      throw new BlogError('BLOG_NOT_FOUND');
    },
  }),
];

for (const engine of ENGINE_NAMES) {
  describe(`a route table of its own (${engine})`, () => {
    const logged: string[] = [];
    let server: Server;
    let client: Client;

    before(async () => {
      const sessions = new Sessions(new MemorySessionStore(), { secret: 'x'.repeat(32), ttlSeconds: 60, storeTimeoutMs: 1_000, idBytes: 32 });
      const api = createApi({
        routes,
        // These routes call no service.
        services: {} as Services,
        sessions,
        cookie: { name: 'sid', secure: false, ttlSeconds: 60 },
        trustProxy: false,
        allowedOrigins: [],
        bodyLimitBytes: 1024,
        log: (message) => logged.push(message),
      });
      const listener = engineNamed(engine)({ api, staticFiles: (_request, _response, next) => next() });
      server = createServer(listener);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers a document in its declared content type, HEAD without the body', async () => {
      const reply = await client.get('/api/test/feed');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
      assert.equal(reply.headers.get('cache-control'), 'public, max-age=60');
      assert.equal(reply.text, feed);
      const head = await client.request('HEAD', '/api/test/feed');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(feed)));
      assert.equal(head.text, '');
    });

    it('hands the handler its declared inputs, typed, and nothing else', async () => {
      const get = await client.get('/api/test/echo?id=7&tag=&page=2&flag=on&other=1');
      assert.deepEqual(get.json, { errno: 0, data: { query: { id: 7, page: 2, flag: true }, body: { name: '' } } });
      const post = await client.post('/api/test/echo?id=3', { name: '名字', other: true });
      assert.deepEqual(post.json, { errno: 0, data: { query: { id: 3, flag: false }, body: { name: '名字' } } });
      const form = await client.request('POST', '/api/test/echo?id=3', { form: { name: 'form' } });
      assert.deepEqual(form.json.data, { query: { id: 3, flag: false }, body: { name: 'form' } });
    });

    it('answers a wrong input type with a 400 naming the field', async () => {
      assert.deepEqual((await client.get('/api/test/echo?id=x')).json, { errno: -1, message: '参数错误: id 必须是正整数', code: 'INVALID_PARAMETER' });
      const reply = await client.post('/api/test/echo?id=1', { name: 5 });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.json, { errno: -1, message: '参数错误: name 必须是字符串', code: 'INVALID_PARAMETER' });
    });

    it('logs an error its route does not declare, and still answers it from the catalogue', async () => {
      logged.length = 0;
      const reply = await client.get('/api/test/undeclared');
      assert.deepEqual(reply.json, { errno: -1, message: '博客不存在', code: 'BLOG_NOT_FOUND' });
      assert.deepEqual(logged, ['route /api/test/undeclared answered BLOG_NOT_FOUND, which it does not declare:']);
    });

    it('answers 404 and 405 from the same table', async () => {
      assert.equal((await client.get('/api/test/nothing')).status, 404);
      const wrongMethod = await client.request('DELETE', '/api/test/feed');
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'GET, HEAD');
    });
  });
}

describe('defineRoute', () => {
  const base = { path: '/api/x', auth: 'none', summary: 'x', handle: async () => ({}) } as const;

  it('refuses body fields on a route without POST', () => {
    assert.throws(() => defineRoute({ ...base, methods: ['GET'], body: { a: field.string('a') } }), /body fields need POST/);
  });

  it('refuses a route that answers both data and a document', () => {
    assert.throws(() => defineRoute({ ...base, methods: ['GET'], data: { type: 'object' }, document: 'text/plain' }), /data or a document/);
  });

  it('adds the errors a route implies by its declaration', () => {
    const route = defineRoute({ ...base, methods: ['POST'], auth: 'user', query: { id: field.id('id') }, errors: ['BLOG_NOT_FOUND'] });
    assert.deepEqual([...route.errors].sort(), ['BLOG_NOT_FOUND', 'BODY_TOO_LARGE', 'CROSS_SITE_REQUEST', 'INTERNAL_ERROR', 'INVALID_PARAMETER', 'MALFORMED_BODY', 'SERVICE_UNAVAILABLE', 'SESSION_REQUIRED']);
    const plain = defineRoute({ ...base, methods: ['GET'], query: { mine: field.flag('mine') } });
    assert.deepEqual([...plain.errors].sort(), ['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']);
    // Text can hold a character no database stores (U+0000, a lone surrogate): 400 naming the field.
    const text = defineRoute({ ...base, methods: ['GET'], query: { tag: field.text('tag') } });
    assert.deepEqual([...text.errors].sort(), ['INTERNAL_ERROR', 'INVALID_PARAMETER', 'SERVICE_UNAVAILABLE']);
  });
});
