// nginx from the printed configuration in front of two blog-servers (in-process, TRUST_PROXY=true,
// login limits in one Redis prefix): pages from nginx with the app's own headers, /api/ spread over
// both, the client's address (127.0.0.2, not nginx's 127.0.0.1) in the limiter and the logs, nginx's
// 413 over BODY_LIMIT, and GETs that keep working when one upstream stops.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../src/config/settings.ts';
import { createRedisPrefix, skipUnless, withRedis, type TestResource } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { send, startNginx, type Answer, type RunningNginx } from '../helpers/nginx.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const webDir = join(packageRoot, 'dist', 'web');
const bodyLimit = 4096;
const env = { TRUST_PROXY: 'true', ACCESS_LOG: 'combined', BODY_LIMIT: String(bodyLimit), LOGIN_MAX_FAILURES_PER_ADDRESS: '3' };
/** A client that is not nginx: every request to nginx below leaves from this address. */
const client = '127.0.0.2';

const skip = skipUnless(['redis'], 'nginx in front of two blog-servers');

describe('nginx in front of two blog-servers', { skip }, () => {
  let redis: TestResource;
  let servers: TestServer[] = [];
  let nginx: RunningNginx;

  before(async () => {
    redis = await createRedisPrefix();
    for (let index = 0; index < 2; index += 1) servers.push(await startTestServer({ sessionStore: 'redis', redisUrl: redis.url, webDir, env }));
    const upstreams = servers.flatMap((server) => ['--upstream', new URL(server.url).host]);
    nginx = await startNginx(upstreams, { BODY_LIMIT: String(bodyLimit), TRUST_PROXY: 'true' });
  });

  after(async () => {
    await nginx?.stop();
    for (const server of servers) await server.close();
    servers = [];
    await redis?.drop();
  });

  const viaNginx = (path: string, options: Parameters<typeof send>[1] = {}): Promise<Answer> => send(nginx.url + path, { localAddress: client, ...options });
  const accessLogOf = (server: TestServer): string => {
    try {
      return readFileSync(join(server.dataDir, 'logs', 'access.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    viaNginx('/api/user/login', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });

  const compared = ['content-type', 'content-length', 'content-encoding', 'cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy', 'vary'];
  const assets = readdirSync(join(webDir, 'assets')).filter((name) => /\.(?:js|css)$/.test(name)).map((name) => `/assets/${name}`);
  for (const path of ['/', '/index.html', '/detail', ...assets]) {
    for (const encoding of ['gzip', undefined]) {
      it(`serves ${path}${encoding ? ' (Accept-Encoding: gzip)' : ''} with the headers and bytes the app sends for it`, async () => {
        const headers: Record<string, string> = encoding ? { 'accept-encoding': encoding } : {};
        const [fromApp, fromNginx] = await Promise.all([send(servers[0]!.url + path, { headers }), viaNginx(path, { headers })]);
        assert.equal(fromApp.status, 200);
        assert.equal(fromNginx.status, 200);
        assert.equal(fromNginx.headers.server, 'nginx', 'nginx answered it');
        for (const name of compared) assert.equal(fromNginx.headers[name], fromApp.headers[name], `${name} of ${path}`);
        assert.ok(fromNginx.body.equals(fromApp.body), `the same bytes for ${path}`);
        if (encoding) assert.equal(fromNginx.headers['content-encoding'], 'gzip', 'the build\'s .gz through gzip_static');
      });
    }
  }

  it('hands a path that is no file to the app (its 404)', async () => {
    const answer = await viaNginx('/no-such-page');
    assert.equal(answer.status, 404);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    assert.equal(JSON.parse(answer.text).errno, -1);
  });

  it('proxies /api/ to both upstreams', async () => {
    for (let request = 0; request < 6; request += 1) {
      const answer = await viaNginx(`/api/blog/list?spread=${request}`);
      assert.equal(answer.status, 200);
      assert.equal(JSON.parse(answer.text).errno, 0);
    }
    for (const [index, server] of servers.entries()) {
      await eventually(() => /"GET \/api\/blog\/list\?spread=\d/.test(accessLogOf(server)), 5_000, `upstream ${index + 1} served a request of the six`);
    }
  });

  it('compresses JSON answers of /api/ for a client that accepts gzip', async () => {
    const answer = await viaNginx('/api/blog/list', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-encoding'], 'gzip', 'the demo posts are more than gzip_min_length (256 bytes)');
  });

  it("limits the client's address, not nginx's, whatever X-Forwarded-For the client sends", async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const answer = await login(`nobody${attempt}`, 'wrong-password', { 'x-forwarded-for': `203.0.113.${attempt}` });
      assert.equal(answer.status, 200);
      assert.equal(JSON.parse(answer.text).errno, -1);
    }
    const keys = await withRedis((redisClient) => redisClient.keys(`${redis.name}login_fail_ip:*`));
    assert.deepEqual(keys, [`${redis.name}login_fail_ip:${client}`]);
    const locked = await login('zhangsan', '123', { 'x-forwarded-for': '203.0.113.99' });
    assert.equal(locked.status, 429, 'three failures from 127.0.0.2 lock that address, on either upstream');
    const elsewhere = await send(`${nginx.url}/api/user/login`, { localAddress: '127.0.0.3', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhangsan', password: '123' }) });
    assert.equal(elsewhere.status, 200, 'another client is not locked out');
    assert.equal(JSON.parse(elsewhere.text).errno, 0);
  });

  it("writes the client's address in nginx's combined access log", () => {
    const lines = nginx.accessLog().split('\n').filter((line) => line.includes('/api/user/login'));
    assert.ok(lines.length >= 4, nginx.accessLog());
    for (const line of lines.slice(0, 4)) assert.match(line, /^127\.0\.0\.2 - - \[[^\]]+\] "POST \/api\/user\/login HTTP\/1\.1" \d{3} \d+ "-" "[^"]*"$/);
  });

  // Needs the access log to take the address from clientAddressOf (the access-log work): until
  // then the app logs nginx's 127.0.0.1.
  it("writes the client's address in the app's access logs", async () => {
    await eventually(() => servers.some((server) => accessLogOf(server).includes('POST /api/user/login')), 5_000, 'a login in an app access log');
    const lines = servers.flatMap((server) => accessLogOf(server).split('\n')).filter((line) => line.includes('POST /api/user/login'));
    for (const line of lines) assert.match(line, /^127\.0\.0\.[23] /, line);
  });

  it('answers a body over BODY_LIMIT with its own 413, before any upstream sees it', async () => {
    const tooLarge = await viaNginx('/api/blog/new', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 't', content: 'x'.repeat(bodyLimit) }) });
    assert.equal(tooLarge.status, 413);
    assert.match(tooLarge.text, /<center>nginx<\/center>/);
    const fits = await viaNginx('/api/blog/new', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 't', content: 'x'.repeat(bodyLimit - 100) }) });
    assert.notEqual(fits.status, 413);
    assert.match(String(fits.headers['content-type']), /^application\/json/, 'a body within the limit reaches the app');
    await eventually(() => servers.some((server) => accessLogOf(server).includes('POST /api/blog/new')), 5_000, 'the body within the limit in an app access log');
    const logged = servers.flatMap((server) => accessLogOf(server).split('\n')).filter((line) => line.includes('POST /api/blog/new'));
    assert.equal(logged.length, 1, 'only the request within the limit reached an upstream');
  });

  it('keeps answering GETs through the other upstream when one stops', async () => {
    const stopped = servers.pop()!;
    await stopped.close();
    for (let request = 0; request < 8; request += 1) {
      const answer = await viaNginx(`/api/blog/list?after-stop=${request}`);
      assert.equal(answer.status, 200, `GET ${request + 1} of 8 after one upstream stopped`);
    }
    await eventually(() => (accessLogOf(servers[0]!).match(/after-stop=/g) ?? []).length === 8, 5_000, 'the remaining upstream served all eight');
  });
});
