/**
 * `POST /api/user/password` on every engine (memory sessions), and on the SQLite and Redis session
 * stores (native): the old password is checked (a failure counts as a failed login), the new one must
 * follow the rules, and once changed every other session of the user has ended on the server while
 * the one that asked, and other users' sessions, stay.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createRedisPrefix, skipUnless, type TestResource } from '../helpers/databases.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/start-server.ts';

const newPassword = 'a new password 新密码';

async function loggedIn(server: TestServer, username: string, password = '123'): Promise<Client> {
  const client = new Client(server.url);
  await client.login(username, password);
  return client;
}

const change = (client: Client, body: unknown) => client.post('/api/user/password', body);

/** Two sessions of zhangsan and one of lisi; the first changes the password. */
async function assertOtherSessionsEnd(server: TestServer): Promise<void> {
  const [asking, other, lisi] = [await loggedIn(server, 'zhangsan'), await loggedIn(server, 'zhangsan'), await loggedIn(server, 'lisi')];
  const changed = assertEnvelope(await change(asking, { oldPassword: '123', newPassword }), 200, 0);
  assert.deepEqual(changed.data, { sessionsEnded: 1 });
  assertEnvelope(await asking.get('/api/user/info'), 200, 0);
  assertEnvelope(await other.get('/api/user/info'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
  assertEnvelope(await other.post('/api/blog/new', { title: 'after the change', content: '' }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
  assertEnvelope(await lisi.get('/api/user/info'), 200, 0);
  assertEnvelope(await new Client(server.url).post('/api/user/login', { username: 'zhangsan', password: '123' }), 200, -1, 'LOGIN_FAILED', '登录失败');
  await loggedIn(server, 'zhangsan', newPassword);
}

// Each engine only carries the route (scrypt makes every login cost ~200 ms): the rules run on native.
for (const engine of ENGINE_NAMES) {
  describe(`POST /api/user/password (${engine})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ engine });
    });
    after(() => server.close());

    it('changes the password and ends the user\'s other session, keeping the asking one', async () => {
      const [asking, other] = [await loggedIn(server, 'lisi'), await loggedIn(server, 'lisi')];
      assertEnvelope(await change(new Client(server.url), { oldPassword: '123', newPassword }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
      assert.deepEqual(assertEnvelope(await change(asking, { oldPassword: '123', newPassword }), 200, 0).data, { sessionsEnded: 1 });
      assertEnvelope(await asking.get('/api/user/info'), 200, 0);
      assertEnvelope(await other.get('/api/user/info'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
    });
  });
}

describe('POST /api/user/password: the rules (native)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '3' } });
    for (const username of ['wangwu', 'zhaoliu']) await server.app.services.users.createUser({ username, password: `${username}-password`, realname: username });
  });
  after(() => server.close());

  it('ends only that user\'s other sessions; the old password no longer logs in, the new one does', async () => {
    await assertOtherSessionsEnd(server);
  });

  it('refuses a wrong old password and a new one against the rules, changing nothing', async () => {
    const wangwu = await loggedIn(server, 'wangwu', 'wangwu-password');
    const other = await loggedIn(server, 'wangwu', 'wangwu-password');
    assertEnvelope(await change(wangwu, { oldPassword: 'not it', newPassword }), 200, -1, 'OLD_PASSWORD_WRONG', '原密码错误');
    assertEnvelope(await change(wangwu, { oldPassword: 'wangwu-password', newPassword: 'short' }), 200, -1, 'PASSWORD_INVALID', '密码长度不合法: 8 到 256 个字符');
    assertEnvelope(await change(wangwu, { newPassword }), 200, -1, 'OLD_PASSWORD_WRONG', '原密码错误');
    assert.equal((await change(wangwu, { oldPassword: 123, newPassword })).status, 400, 'a number is not a password');
    assertEnvelope(await other.get('/api/user/info'), 200, 0);
    await loggedIn(server, 'wangwu', 'wangwu-password');
  });

  it('counts wrong old passwords as failed logins: then 429, for the change and the login', async () => {
    const zhaoliu = await loggedIn(server, 'zhaoliu', 'zhaoliu-password');
    // No earlier test failed for zhaoliu: three failures are allowed, the fourth attempt is refused.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      assertEnvelope(await change(zhaoliu, { oldPassword: `guess ${attempt}`, newPassword }), 200, -1, 'OLD_PASSWORD_WRONG', '原密码错误');
    }
    const locked = await change(zhaoliu, { oldPassword: 'zhaoliu-password', newPassword });
    assertEnvelope(locked, 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assertEnvelope(await new Client(server.url).post('/api/user/login', { username: 'zhaoliu', password: 'zhaoliu-password' }), 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
  });
});

describe('a password change on the SQLite and Redis session stores', () => {
  const servers: TestServer[] = [];
  const start = async (options: TestServerOptions) => {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  };
  let prefix: TestResource | undefined;
  after(async () => {
    for (const server of servers.splice(0).reverse()) await server.close();
    await prefix?.drop();
  });

  it('sqlite: ends the other sessions, for every process on the file', async () => {
    const first = await start({ sessionStore: 'sqlite' });
    const second = await start({ sessionStore: 'sqlite', dataDir: first.dataDir });
    const [asking, elsewhere] = [await loggedIn(first, 'zhangsan'), await loggedIn(second, 'zhangsan')];
    assert.deepEqual(assertEnvelope(await change(asking, { oldPassword: '123', newPassword }), 200, 0).data, { sessionsEnded: 1 });
    assertEnvelope(await asking.get('/api/user/info'), 200, 0);
    assertEnvelope(await elsewhere.get('/api/user/info'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
  });

  it('redis: ends the other sessions', { skip: skipUnless(['redis'], 'the Redis password-change cell') }, async () => {
    prefix = await createRedisPrefix();
    const server = await start({ sessionStore: 'redis', redisUrl: prefix.url });
    const [asking, other] = [await loggedIn(server, 'zhangsan'), await loggedIn(server, 'zhangsan')];
    assert.deepEqual(assertEnvelope(await change(asking, { oldPassword: '123', newPassword }), 200, 0).data, { sessionsEnded: 1 });
    assertEnvelope(await asking.get('/api/user/info'), 200, 0);
    assertEnvelope(await other.get('/api/user/info'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
  });
});
