/**
 * `blog-server user unlock` and `user passwd` against a running `blog-server serve` (separate
 * processes, as an owner locked out by an attacker would run them): on SQLite sessions and on Redis,
 * a user locked by failed logins from two addresses logs in at once after the unlock, a user whose
 * name merely ends in the same letters stays locked, and the command says whether the user was
 * locked; a password change ends the user's sessions in the running server. Both commands write their
 * event to the server's audit log. With memory sessions, unlock refuses clearly.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { runCli } from '../helpers/cli.ts';
import { createRedisPrefix, skipUnless, type TestResource } from '../helpers/databases.ts';
import { startServeProcess } from '../helpers/serve-process.ts';

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function freshDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'blog-server-accounts-'));
  directories.push(directory);
  return directory;
}

/** One login from `address` (TRUST_PROXY: the X-Forwarded-For hop). */
function login(url: string, address: string, username: string, password: string) {
  return new Client(url).post('/api/user/login', { username, password }, { headers: { 'x-forwarded-for': address } });
}

const tooMany = '登录失败次数过多，请稍后再试';

interface AuditRecord {
  event: string;
  username: string;
  address: string | null;
  reason?: string;
  sessionsEnded?: number;
}

async function unlockAndChange(env: Record<string, string>): Promise<void> {
  const directory = freshDirectory();
  const settings = {
    NODE_ENV: 'test',
    ACCESS_LOG: 'off',
    AUDIT_LOG: 'file',
    TRUST_PROXY: 'true',
    LOGIN_MAX_FAILURES: '2',
    DATABASE_URL: join(directory, 'blog.db'),
    SESSION_DB: join(directory, 'sessions.db'),
    LOG_DIR: join(directory, 'logs'),
    ...env,
  };
  const server = await startServeProcess({ cwd: directory, env: settings });
  try {
    for (const [address, username] of [['10.0.0.1', 'zhangsan'], ['10.0.0.2', 'zhangsan'], ['10.0.0.3', 'a_zhangsan']] as const) {
      for (let attempt = 0; attempt < 2; attempt += 1) assertEnvelope(await login(server.url, address, username, 'wrong'), 200, -1, 'LOGIN_FAILED', '登录失败');
    }
    assertEnvelope(await login(server.url, '10.0.0.1', 'zhangsan', '123'), 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', tooMany);
    assertEnvelope(await login(server.url, '10.0.0.2', 'zhangsan', '123'), 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', tooMany);

    const unlocked = await runCli(['user', 'unlock', 'zhangsan'], { env: settings, cwd: directory });
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.equal(unlocked.stdout, 'blog-server: zhangsan was locked; cleared the failed logins of 2 addresses\n');
    assertEnvelope(await login(server.url, '10.0.0.1', 'zhangsan', '123'), 200, 0);
    assertEnvelope(await login(server.url, '10.0.0.2', 'zhangsan', '123'), 200, 0);
    assertEnvelope(await login(server.url, '10.0.0.3', 'a_zhangsan', 'wrong'), 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', tooMany);
    const again = await runCli(['user', 'unlock', 'zhangsan'], { env: settings, cwd: directory });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'blog-server: zhangsan was not locked (failed logins cleared: 0 addresses)\n');

    const session = new Client(server.url);
    await session.login('zhangsan');
    const changed = await runCli(['user', 'passwd', 'zhangsan'], { env: settings, cwd: directory, input: 'a changed password\n' });
    assert.equal(changed.code, 0, changed.stderr);
    // The two logins after the unlock and this one.
    assert.match(changed.stdout, /changed the password of zhangsan; ended 3 sessions\n$/);
    assertEnvelope(await session.get('/api/user/info'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
    assertEnvelope(await login(server.url, '10.0.0.4', 'zhangsan', 'a changed password'), 200, 0);
  } finally {
    await server.stop();
  }

  const records = readFileSync(join(directory, 'logs', 'audit.log'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as AuditRecord);
  const fromCli = records.filter((record) => record.address === null).map(({ event, username, reason, sessionsEnded }) => [event, username, reason, sessionsEnded]);
  assert.deepEqual(fromCli, [
    ['login.unlock', 'zhangsan', 'was_locked', undefined],
    ['login.unlock', 'zhangsan', 'was_not_locked', undefined],
    ['password.change', 'zhangsan', undefined, 3],
  ]);
  const locks = records.filter((record) => record.event === 'login.lock').map(({ username, address }) => [username, address]);
  assert.deepEqual(locks, [['zhangsan', '10.0.0.1'], ['zhangsan', '10.0.0.2'], ['a_zhangsan', '10.0.0.3']]);
}

describe('user unlock and user passwd against a running server', () => {
  it('on SQLite sessions', async () => {
    await unlockAndChange({ SESSION_STORE: 'sqlite' });
  });

  describe('on Redis', { skip: skipUnless(['redis'], 'user unlock on Redis') }, () => {
    let prefix: TestResource | undefined;
    after(() => prefix?.drop());
    it('clears the counters in Redis', async () => {
      prefix = await createRedisPrefix();
      await unlockAndChange({ SESSION_STORE: 'redis', REDIS_URL: prefix.url });
    });
  });

  it('refuses with memory sessions: the counters are in the server process', async () => {
    const directory = freshDirectory();
    const result = await runCli(['user', 'unlock', 'zhangsan'], { env: { SESSION_STORE: 'memory', DATABASE_URL: join(directory, 'blog.db') }, cwd: directory });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^blog-server: cannot unlock: with SESSION_STORE=memory the login counters live in the memory of the server process/);
  });

  it('says how to call it', async () => {
    const result = await runCli(['user', 'unlock']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /user unlock <username>/);
  });
});
