/**
 * Redis lost while the server runs (sessions and the login limiter in Redis, storage in SQLite),
 * through a TCP proxy the test controls: requests that need a session answer 503 with the envelope
 * within the store deadline, anonymous reads keep working, and the same sessions work again once
 * Redis is back, without a restart.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { Client, assertEnvelope, type Reply } from '../helpers/client.ts';
import { createRedisPrefix, serviceUrls, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually, timed } from '../helpers/eventually.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

const storeTimeoutMs = 500;
/** What a loaded 2-core machine may add to a deadline. */
const slackMs = 2_000;

function assertServiceUnavailable(reply: Reply): void {
  assertEnvelope(reply, 503, -1, '服务暂时不可用，请稍后再试');
  assert.equal(reply.json.code, 'SERVICE_UNAVAILABLE');
}

describe('Redis lost while the server runs', { skip: skipUnless(['redis'], 'the Redis failure tests') }, () => {
  let prefix: TestResource | undefined;
  let proxy: TcpProxy | undefined;
  let server: TestServer | undefined;
  let user: Client;
  let anonymous: Client;

  before(async () => {
    prefix = await createRedisPrefix();
    const target = new URL(serviceUrls.redis);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    server = await startTestServer({ sessionStore: 'redis', redisUrl: proxy.route(prefix.url), env: { SESSION_STORE_TIMEOUT: String(storeTimeoutMs) } });
    user = new Client(server.url);
    anonymous = new Client(server.url);
    await user.login('zhangsan');
  });
  after(async () => {
    await server?.close();
    await proxy?.close();
    await prefix?.drop();
  });

  /** Every request that needs Redis answers 503 in time; anonymous reads answer 200. */
  async function checkOutage(boundMs: number): Promise<void> {
    const needsSession = [
      () => user.get('/api/user/info'),
      () => user.post('/api/blog/new', { title: 'during the outage', content: 'c' }),
      // The login limiter and the new session both live in Redis.
      () => new Client(anonymous.baseUrl).post('/api/user/login', { username: 'lisi', password: '123' }),
    ];
    for (const request of needsSession) {
      const { value: reply, ms } = await timed(request);
      assertServiceUnavailable(reply);
      assert.ok(ms < boundMs, `answered in ${Math.round(ms)} ms, bound ${boundMs} ms`);
    }
    assertEnvelope(await anonymous.get('/api/blog/list'), 200, 0);
    assertEnvelope(await anonymous.get('/api/blog/detail?id=1'), 200, 0);
  }

  async function checkRecovered(): Promise<void> {
    await eventually(async () => (await user.get('/api/user/info')).status === 200, 15_000, 'the session works again');
    assertEnvelope(await user.get('/api/user/info'), 200, 0);
    assertEnvelope(await user.post('/api/blog/new', { title: '恢复之后', content: 'c' }), 200, 0);
    await new Client(anonymous.baseUrl).login('lisi');
  }

  it('cut: 503 for session requests at once, anonymous reads work, the session survives', async () => {
    assert.ok(proxy);
    assertEnvelope(await user.get('/api/user/info'), 200, 0);
    proxy.cut();
    try {
      await checkOutage(storeTimeoutMs + slackMs);
    } finally {
      proxy.restore();
    }
    await checkRecovered();
  });

  it('hung (frozen): 503 within the store deadline, anonymous reads work, recovery by itself', async () => {
    assert.ok(proxy);
    proxy.freeze();
    try {
      await checkOutage(storeTimeoutMs + slackMs);
    } finally {
      proxy.restore();
    }
    await checkRecovered();
  });
});
