/** Protocol failures: unknown routes, wrong methods, malformed and oversized bodies, HEAD. */
import { strict as assert } from 'node:assert';
import type { Check } from '../check.ts';
import { listed } from './helpers.ts';

const group = 'protocol';

/** Bodies a careless client or an attacker sends; none may crash the server or write a blog. */
const malformedBodies: readonly { raw: string; contentType: string }[] = [
  { raw: '{"title": "x",', contentType: 'application/json' },
  { raw: '["not", "an", "object"]', contentType: 'application/json' },
  { raw: '"a string"', contentType: 'application/json' },
  { raw: '42', contentType: 'application/json' },
  { raw: 'null', contentType: 'application/json' },
  { raw: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' },
  { raw: '\u0000\u0001\u0002', contentType: 'application/octet-stream' },
];

export const protocolChecks: readonly Check[] = [
  {
    group,
    name: 'malformed bodies never crash the server nor write a blog',
    writes: true,
    async run(context) {
      const mine = `author=${encodeURIComponent(context.userCredentials.username)}&pageSize=500`;
      const before = (await listed(context, mine)).map((blog) => blog.id);
      for (const body of malformedBodies) {
        const reply = await context.user.request('POST', '/api/blog/new', body);
        const label = JSON.stringify(body.raw.slice(0, 30));
        assert.ok(reply.status < 500, `${label} answered ${reply.status}: the server failed on it`);
        let errno: unknown;
        try {
          errno = reply.json.errno;
        } catch {
          errno = undefined;
        }
        if (errno === 0) {
          const { id } = reply.json.data as { id: number };
          await context.adopt(context.user, id);
        }
        assert.ok(errno !== 0, `${label} wrote blog ${reply.text.slice(0, 100)}`);
        assert.ok(reply.status >= 400 || errno === -1, `${label} answered ${reply.status} ${reply.text.slice(0, 100)}`);
      }
      assert.deepEqual((await listed(context, mine)).map((blog) => blog.id), before, 'no blog was written');
    },
  },
  {
    group,
    name: 'answers a malformed body with 400 in the envelope',
    optional: 'real statuses for protocol failures are blog-server\'s',
    async run(context) {
      const { user, expect } = context;
      expect.failure(await user.request('POST', '/api/blog/new', { raw: '{"title": "x",', contentType: 'application/json' }), 'MALFORMED_BODY', 'JSON 格式错误');
      expect.failure(await user.post('/api/blog/new', ['not', 'an', 'object']), 'MALFORMED_BODY', '请求体必须是对象');
      expect.failure(await user.post('/api/blog/update?id=1', 'a string'), 'MALFORMED_BODY', '请求体必须是对象');
    },
  },
  {
    group,
    name: '413 for a body over 1 MiB, and the server goes on',
    optional: 'a body limit of 1 MiB answered with 413 is blog-server\'s',
    async run(context) {
      const reply = await context.user.request('POST', '/api/blog/new', { raw: JSON.stringify({ title: 't', content: 'x'.repeat(1024 * 1024) }), contentType: 'application/json' });
      context.expect.failure(reply, 'BODY_TOO_LARGE', '最多 1048576 字节');
      context.expect.success(await context.anonymous.get('/api/blog/list?pageSize=1'));
    },
  },
  {
    group,
    name: '404 in the envelope for an unknown route',
    optional: 'an envelope for unknown routes is blog-server\'s',
    async run(context) {
      context.expect.failure(await context.anonymous.get('/api/nothing'), 'ROUTE_NOT_FOUND');
      context.expect.failure(await context.anonymous.post('/api/blog/nothing', {}), 'ROUTE_NOT_FOUND');
    },
  },
  {
    group,
    name: '405 with Allow for a known path and a wrong method',
    optional: '405 with Allow is blog-server\'s',
    async run(context) {
      const reply = await context.anonymous.request('DELETE', '/api/blog/list');
      context.expect.failure(reply, 'METHOD_NOT_ALLOWED');
      assert.equal(reply.headers.get('allow'), 'GET, HEAD');
      const post = await context.anonymous.request('GET', '/api/blog/new');
      context.expect.failure(post, 'METHOD_NOT_ALLOWED');
      assert.equal(post.headers.get('allow'), 'POST');
    },
  },
  {
    group,
    name: 'HEAD answers a GET route without a body',
    optional: 'HEAD on the API is blog-server\'s',
    async run(context) {
      const reply = await context.anonymous.request('HEAD', '/api/blog/list?pageSize=1');
      assert.equal(reply.status, 200);
      assert.equal(reply.text, '');
      assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
    },
  },
];
