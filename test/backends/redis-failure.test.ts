/**
 * Redis lost while the server runs (sessions and the login limiter in Redis, storage in SQLite),
 * through a TCP proxy the test controls: requests that need a session answer 503 with the envelope
 * within the store deadline, anonymous reads keep working, and the same sessions work again once
 * Redis is back, without a restart.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { connectRedis } from '../../src/connections/redis-client.ts';
import { RedisSessionStore } from '../../src/sessions/redis-store.ts';
import { Client, assertEnvelope, assertServiceUnavailable } from '../helpers/client.ts';
import { createRedisPrefix, serviceAddress, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually, timed } from '../helpers/eventually.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

const storeTimeoutMs = 500;
/** The store deadline plus what a loaded 2-core machine may add to it. */
const boundMs = storeTimeoutMs + 2_000;

describe('Redis lost while the server runs', { skip: skipUnless(['redis'], 'the Redis failure tests') }, () => {
  let prefix: TestResource | undefined;
  let proxy: TcpProxy | undefined;
  let server: TestServer | undefined;
  let user: Client;
  let anonymous: Client;

  before(async () => {
    prefix = await createRedisPrefix();
    proxy = await TcpProxy.start(serviceAddress('redis'));
    server = await startTestServer({
      sessionStore: 'redis',
      redisUrl: proxy.route(prefix.url),
      env: { SESSION_STORE_TIMEOUT: String(storeTimeoutMs) },
      expectedLogs: [/^SERVICE_UNAVAILABLE:$/, /^redis \S+: connection lost \(.*\); reconnecting$/, /^redis \S+: connected again$/],
    });
    user = new Client(server.url);
    anonymous = new Client(server.url);
    await user.login('zhangsan');
  });
  after(async () => {
    // The proxy and the prefix go even when closing the server fails (it throws on an unexpected log line).
    try {
      await server?.close();
    } finally {
      await proxy?.close();
      await prefix?.drop();
    }
  });

  /**
   * Fails Redis through the proxy: every request that needs it answers 503 in time, anonymous reads
   * answer 200. Then Redis comes back and the same session works again, without a restart.
   */
  async function outage(fail: (proxy: TcpProxy) => void): Promise<void> {
    assert.ok(proxy);
    fail(proxy);
    try {
      const needsSession = [
        () => user.get('/api/user/info'),
        () => user.post('/api/blog/new', { title: 'during the outage', content: 'c' }),
        // The login limiter and the new session both live in Redis.
        () => new Client(anonymous.baseUrl).post('/api/user/login', { username: 'lisi', password: '123' }),
      ];
      for (const request of needsSession) {
        const { value: reply, ms } = await timed(request, boundMs);
        assertServiceUnavailable(reply);
        assert.ok(ms < boundMs, `answered in ${Math.round(ms)} ms, bound ${boundMs} ms`);
      }
      for (const path of ['/api/blog/list', '/api/blog/detail?id=1']) {
        assertEnvelope((await timed(() => anonymous.get(path), boundMs)).value, 200, 0);
      }
    } finally {
      await proxy.restore();
    }
    await eventually(async () => (await user.get('/api/user/info')).status === 200, 15_000, 'the session works again');
    assertEnvelope(await user.get('/api/user/info'), 200, 0);
    assertEnvelope(await user.post('/api/blog/new', { title: '恢复之后', content: 'c' }), 200, 0);
    await new Client(anonymous.baseUrl).login('lisi');
  }

  it('cut: 503 for session requests at once, anonymous reads work, the session survives', async () => {
    assertEnvelope(await user.get('/api/user/info'), 200, 0);
    await outage((proxy) => proxy.cut());
  });

  it('hung (frozen): 503 within the store deadline, anonymous reads work, recovery by itself', async () => {
    await outage((proxy) => proxy.freeze());
  });
});

describe('the shared Redis client', { skip: skipUnless(['redis'], 'the Redis client failure test') }, () => {
  it('fails calls at once while Redis is away (no offline queue), and reconnects by itself', async () => {
    const prefix = await createRedisPrefix();
    const proxy = await TcpProxy.start(serviceAddress('redis'));
    const redis = await connectRedis(proxy.route(prefix.url), { commandTimeoutMs: 5_000, log: { info() {}, warn() {} } });
    try {
      const store = new RedisSessionStore(redis.client, { prefix: `${redis.prefix}sess:` });
      const user = { userId: 1, username: 'zhangsan', realname: '张三' };
      await store.set('k', user, 60);
      await proxy.refuse();
      await eventually(() => !redis.client.isReady, 5_000, 'the client notices');
      // Well under any deadline of ours: calls are refused while it reconnects, not queued until Redis returns.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const { value: refused, ms } = await timed(() => store.get('k').then(() => false, () => true), 1_000);
        assert.ok(refused && ms < 200, `attempt ${attempt}: ${refused ? 'refused' : 'answered'} after ${Math.round(ms)} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await proxy.restore();
      await eventually(async () => (await store.get('k').catch(() => undefined))?.username === 'zhangsan', 10_000, 'the client reconnects');
    } finally {
      await redis.close();
      await proxy.close();
      await prefix.drop();
    }
  });
});
