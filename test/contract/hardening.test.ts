/**
 * The HTTP edge's security rules (docs/API.md "Security rules"), on every engine: credentials never
 * from a URL unless UNSAFE_GET_LOGIN, the security headers on every JSON answer, and cross-site
 * POSTs refused — by `Origin`, else `Referer`, against the server's own origin as the client saw it
 * (forwarded only with TRUST_PROXY) and ALLOWED_ORIGINS.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { assertEnvelope, Client, type Reply } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const allowed = 'https://admin.example';

function assertSecurityHeaders(reply: Reply, what: string): void {
  assert.equal(reply.headers.get('x-content-type-options'), 'nosniff', `nosniff on ${what}`);
  assert.equal(reply.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", `CSP on ${what}`);
}

function assertCrossSite(reply: Reply): void {
  assertEnvelope(reply, 403, -1, 'CROSS_SITE_REQUEST', '跨站请求被拒绝');
  assertSecurityHeaders(reply, 'the 403');
}

for (const engine of ENGINE_NAMES) {
  describe(`security rules of the HTTP edge (${engine})`, () => {
    let server: TestServer;
    /** The server's own origin, as a browser on its pages sends it. */
    let own: string;
    before(async () => {
      server = await startTestServer({ engine, env: { ALLOWED_ORIGINS: `${allowed},http://localhost:1` } });
      own = new URL(server.url).origin;
    });
    after(() => server.close());

    it('never takes credentials from the query of a POST login (no UNSAFE_GET_LOGIN): LOGIN_FAILED, no session', async () => {
      const client = new Client(server.url);
      assertEnvelope(await client.request('POST', '/api/user/login?username=zhangsan&password=123'), 200, -1, 'LOGIN_FAILED', '登录失败');
      assert.equal(client.cookie, undefined);
      // The body's credentials are the only ones read, whatever the query says.
      const reply = await new Client(server.url).post('/api/user/login?username=zhangsan&password=wrong', { username: 'zhangsan', password: '123' });
      assertEnvelope(reply, 200, 0);
      // And the GET login does not exist.
      const get = await new Client(server.url).get('/api/user/login?username=zhangsan&password=123');
      assertEnvelope(get, 405, -1, 'METHOD_NOT_ALLOWED', '请求方法不允许');
      assert.equal(get.headers.get('allow'), 'POST');
    });

    it('sends nosniff and a CSP that allows nothing on every JSON answer', async () => {
      const client = new Client(server.url);
      const answers: [string, Reply, number][] = [
        ['a success', await client.get('/api/blog/list'), 200],
        ['a business failure', await client.get('/api/blog/detail?id=999999'), 200],
        ['a 400', await client.get('/api/blog/detail?id=x'), 400],
        ['a malformed body', await client.request('POST', '/api/user/login', { raw: '{', contentType: 'application/json' }), 400],
        ['a 404', await client.get('/api/nothing'), 404],
        ['a 405', await client.get('/api/blog/new'), 405],
        ['a 413', await client.request('POST', '/api/user/login', { raw: 'x'.repeat(1_100_000), contentType: 'application/json' }), 413],
        ['a HEAD', await client.request('HEAD', '/api/blog/list'), 200],
      ];
      for (const [what, reply, status] of answers) {
        assert.equal(reply.status, status, what);
        assertSecurityHeaders(reply, what);
      }
    });

    it('refuses a POST whose Origin is another origin, before the route runs', async () => {
      const client = new Client(server.url);
      await client.login('zhangsan');
      const sibling = own.replace(/:\d+$/, (port) => `:${Number(port.slice(1)) === 65_535 ? 1 : Number(port.slice(1)) + 1}`);
      for (const origin of [sibling, 'https://evil.example', own.replace('http:', 'https:'), own.replace('127.0.0.1', 'localhost'), 'null', 'not an origin']) {
        const title = `cross-site from ${origin}`;
        assertCrossSite(await client.post('/api/blog/new', { title, content: 'x' }, { headers: { origin } }));
        const list = await client.get(`/api/blog/list?keyword=${encodeURIComponent(title)}`);
        assert.deepEqual(list.json.data, [], `nothing was written for ${origin}`);
      }
      // A login from another origin starts no session; a logout from one ends none.
      const anonymous = new Client(server.url);
      assertCrossSite(await anonymous.post('/api/user/login', { username: 'zhangsan', password: '123' }, { headers: { origin: 'https://evil.example' } }));
      assert.equal(anonymous.cookie, undefined);
      assertCrossSite(await client.post('/api/user/logout', {}, { headers: { origin: 'https://evil.example' } }));
      assertEnvelope(await client.get('/api/user/info'), 200, 0);
    });

    it('takes the Referer when there is no Origin', async () => {
      // Logout is a POST that hashes no password: the cheapest route to ask.
      const client = new Client(server.url);
      for (const referer of ['https://evil.example/page?x=1', 'about:blank', 'not a url']) {
        assertCrossSite(await client.post('/api/user/logout', {}, { headers: { referer } }));
      }
      assertEnvelope(await client.post('/api/user/logout', {}, { headers: { referer: `${own}/edit.html?id=1` } }), 200, 0);
      // The Origin wins over the Referer.
      assertCrossSite(await client.post('/api/user/logout', {}, { headers: { origin: 'https://evil.example', referer: `${own}/` } }));
    });

    it('lets through its own origin, ALLOWED_ORIGINS, requests without either header, and GETs', async () => {
      const client = new Client(server.url);
      // A form post from the server's own pages, as a browser sends it.
      assertEnvelope(await client.request('POST', '/api/user/login', { form: { username: 'zhangsan', password: '123' }, headers: { origin: own } }), 200, 0);
      assertEnvelope(await client.post('/api/blog/new', { title: 'from an allowed origin', content: 'x' }, { headers: { origin: allowed } }), 200, 0);
      // Origins compare normalized: the default port and the case of the host make no difference.
      assertEnvelope(await client.post('/api/blog/new', { title: 'default port', content: 'x' }, { headers: { origin: 'https://ADMIN.example:443' } }), 200, 0);
      assertEnvelope(await client.post('/api/blog/new', { title: 'no header', content: 'x' }), 200, 0);
      assertEnvelope(await client.get('/api/user/info', { headers: { origin: 'https://evil.example' } }), 200, 0);
    });

    it('ignores X-Forwarded-Proto and X-Forwarded-Host without TRUST_PROXY', async () => {
      const reply = await new Client(server.url).post('/api/user/logout', {}, {
        headers: { origin: 'https://blog.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'blog.example' },
      });
      assertCrossSite(reply);
    });
  });

  describe(`the origin behind a trusted proxy (${engine})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ engine, env: { TRUST_PROXY: 'true', DEMO_DATA: 'false' } });
    });
    after(() => server.close());

    it('is the forwarded scheme and host, and nothing else', async () => {
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'blog.example' };
      const logout = (headers: Record<string, string>) => new Client(server.url).post('/api/user/logout', {}, { headers });
      assertEnvelope(await logout({ ...forwarded, origin: 'https://blog.example' }), 200, 0);
      // nginx may append to a list: the first value is the client's.
      assertEnvelope(await logout({ 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'blog.example, internal:8000', origin: 'https://blog.example' }), 200, 0);
      assertCrossSite(await logout({ ...forwarded, origin: 'http://blog.example' }));
      assertCrossSite(await logout({ ...forwarded, origin: new URL(server.url).origin }));
      // Only the scheme forwarded: the Host header names the server.
      const host = new URL(server.url).host;
      assertEnvelope(await logout({ 'x-forwarded-proto': 'https', origin: `https://${host}` }), 200, 0);
    });
  });
}
