/**
 * Sessions and login counters in a real Redis: the store lifecycle every store runs, keys and TTL as
 * documented, sessions that survive a restart and are shared between two servers on one Redis, and
 * failure counts that hold across them (two servers in this process: Redis cannot tell them from
 * two processes).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { connectRedis, parseRedisUrl, reconnectDelay, redisDefaults, type SharedRedis } from '../../src/connections/redis-client.ts';
import { createAppLog } from '../../src/ops/app-log.ts';
import { RedisSessionStore, defaultSessionPrefix } from '../../src/sessions/redis-store.ts';
import type { SessionStore } from '../../src/sessions/session-store.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createRedisPrefix, skipUnless, withRedis, type TestResource } from '../helpers/databases.ts';
import { runSessionStoreLifecycle } from '../helpers/session-store-lifecycle.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const skip = skipUnless(['redis'], 'the Redis session tests');

describe('Redis defaults', () => {
  it('keeps blog-server\'s keys under blog: (sessions under blog:sess:) unless REDIS_URL says ?prefix=', () => {
    assert.equal(redisDefaults.prefix, 'blog:');
    assert.equal(defaultSessionPrefix, 'blog:sess:');
    assert.deepEqual(parseRedisUrl('redis://:pw@example.test:6380/2'), { url: 'redis://:pw@example.test:6380/2', displayUrl: 'redis://:***@example.test:6380/2', prefix: undefined });
    assert.deepEqual(parseRedisUrl('redis://example.test?prefix=shop%3Ablog%3A'), { url: 'redis://example.test', displayUrl: 'redis://example.test', prefix: 'shop:blog:' });
  });

  it('reconnects with a bounded, growing backoff for ever', () => {
    assert.ok(reconnectDelay(0) >= 50 && reconnectDelay(0) < 100);
    assert.ok(reconnectDelay(3) >= 400 && reconnectDelay(3) < 450);
    for (const retries of [10, 100, 10_000]) {
      const delay = reconnectDelay(retries);
      assert.ok(delay >= redisDefaults.reconnectMaxDelayMs && delay < redisDefaults.reconnectMaxDelayMs + 50, `retry ${retries}: ${delay} ms`);
    }
  });
});

describe('Redis session store', { skip }, () => {
  let prefix: TestResource | undefined;
  let redis: SharedRedis | undefined;
  before(async () => {
    prefix = await createRedisPrefix();
    redis = await connectRedis(prefix.url, { commandTimeoutMs: 2_000, log: createAppLog() });
  });
  after(async () => {
    await redis?.close();
    await prefix?.drop();
  });

  // The lifecycle suite closes its store; the shared client is closed by the hook above.
  runSessionStoreLifecycle('redis', (): SessionStore => {
    assert.ok(redis);
    return new RedisSessionStore(redis.client, { prefix: `${redis.prefix}lifecycle:` });
  });

  it('ends every session under its own prefix only, a prefix with glob characters included', async () => {
    assert.ok(redis);
    const user = { userId: 3, username: 'wangwu', realname: '王五' };
    const globbed = new RedisSessionStore(redis.client, { prefix: `${redis.prefix}a*[b]?:` });
    const neighbour = new RedisSessionStore(redis.client, { prefix: `${redis.prefix}aXbY:` });
    for (let n = 0; n < 1_200; n++) await globbed.set(`k${n}`, { ...user, userId: n % 7 }, 60);
    await neighbour.set('kept', user, 60);
    assert.equal(await globbed.destroyAll(), 1_200);
    assert.equal(await globbed.get('k5'), undefined);
    assert.equal(await globbed.destroyUser(5), 0);
    const leftover = await withRedis((client) => client.keys(`${redis?.prefix ?? ''}a\\*\\[b\\]\\?*`));
    assert.deepEqual(leftover, [], 'no session and no user index is left');
    assert.deepEqual(await neighbour.get('kept'), user, 'a prefix the glob would have matched unescaped keeps its session');
  });

  it('stores JSON under its prefix with the TTL it is given', async () => {
    assert.ok(redis && prefix);
    const store = new RedisSessionStore(redis.client, { prefix: `${redis.prefix}sess:` });
    await store.set('key', { userId: 3, username: 'wangwu', realname: '王五' }, 90);
    const [value, ttl] = await withRedis(async (client) => [await client.get(`${prefix?.name}sess:key`), await client.ttl(`${prefix?.name}sess:key`)] as const);
    assert.deepEqual(JSON.parse(value ?? 'null'), { userId: 3, username: 'wangwu', realname: '王五' });
    assert.ok(ttl > 85 && ttl <= 90, `ttl ${ttl}`);
  });

  it('indexes a user\'s sessions in a sorted set outside the session keys, living as long as the longest session', async () => {
    assert.ok(redis && prefix);
    const store = new RedisSessionStore(redis.client, { prefix: `${redis.prefix}idx:` });
    const index = `${prefix.name}idx-by-user:9`;
    const user = { userId: 9, username: 'zhaoliu', realname: '赵六' };
    await store.set('long', user, 300);
    await store.set('short', user, 30);
    const read = () => withRedis(async (client) => ({ members: await client.zRange(index, 0, -1), ttl: await client.ttl(index) }));
    const both = await read();
    assert.deepEqual(both.members.sort(), ['long', 'short']);
    assert.ok(both.ttl > 295 && both.ttl <= 300, `a shorter session does not shorten the index: ttl ${both.ttl}`);
    await store.destroy('long');
    assert.deepEqual((await read()).members, ['short'], 'a logout leaves the index');
    assert.equal(await store.destroyUser(9), 1);
    assert.deepEqual(await read(), { members: [], ttl: -2 });
  });
});

describe('Redis sessions in the server', { skip }, () => {
  let prefix: TestResource | undefined;
  const servers: TestServer[] = [];
  const start = async (options: { dataDir?: string; env?: Record<string, string> } = {}) => {
    assert.ok(prefix);
    const server = await startTestServer({ sessionStore: 'redis', redisUrl: prefix.url, ...options, env: { SESSION_TTL: '600', LOGIN_MAX_FAILURES: '3', ...options.env } });
    servers.push(server);
    return server;
  };
  before(async () => {
    prefix = await createRedisPrefix();
  });
  after(async () => {
    for (const server of servers.splice(0).reverse()) await server.close();
    await prefix?.drop();
  });

  it('keeps a session, with the cookie\'s lifetime as its TTL, across a restart', async () => {
    const server = await start();
    const user = new Client(server.url);
    await user.login('zhangsan');
    const keys = await withRedis(async (client) => {
      const found: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefix?.name}sess:*` })) found.push(...batch);
      return Promise.all(found.map(async (key) => ({ key, ttl: await client.ttl(key) })));
    });
    assert.equal(keys.length, 1, 'one session key under <prefix>sess:');
    assert.ok(keys[0]!.ttl > 590 && keys[0]!.ttl <= 600, `ttl ${keys[0]!.ttl}`);

    await server.restart();
    user.baseUrl = server.url;
    const info = assertEnvelope(await user.get('/api/user/info'), 200, 0);
    assert.equal((info.data as { username: string }).username, 'zhangsan');
  });

  it('shares sessions between two servers on one Redis; a logout on one ends it on the other', async () => {
    const first = await start();
    const second = await start({ dataDir: first.dataDir });
    const user = new Client(first.url);
    await user.login('lisi');
    assertEnvelope(await user.get('/api/user/info'), 200, 0);
    const onSecond = new Client(second.url);
    onSecond.cookie = user.cookie;
    assertEnvelope(await onSecond.get('/api/user/info'), 200, 0);
    assertEnvelope(await onSecond.post('/api/user/logout'), 200, 0);
    assertEnvelope(await user.get('/api/user/info'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
  });

  it('counts failed logins across two servers on one Redis', async () => {
    const first = await start();
    const second = await start({ dataDir: first.dataDir });
    const attempt = (server: TestServer) => new Client(server.url).post('/api/user/login', { username: 'zhangsan', password: 'wrong' });
    assertEnvelope(await attempt(first), 200, -1, 'LOGIN_FAILED', '登录失败');
    assertEnvelope(await attempt(second), 200, -1, 'LOGIN_FAILED', '登录失败');
    assertEnvelope(await attempt(first), 200, -1, 'LOGIN_FAILED', '登录失败');
    const locked = await new Client(second.url).post('/api/user/login', { username: 'zhangsan', password: '123' });
    assertEnvelope(locked, 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
  });
});
