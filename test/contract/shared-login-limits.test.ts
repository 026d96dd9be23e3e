/**
 * The failed-login counters live beside the sessions, so two processes on one data directory — two
 * workers of a PM2 cluster — count the same failures: here two apps in this process on one SQLite
 * session file. A locked file answers 503, never an unlimited guess.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const limits = { LOGIN_MAX_FAILURES: '4', LOGIN_MAX_FAILURES_PER_ADDRESS: '9' };

describe('login limits shared by two apps on one SQLite session file', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-shared-limits-'));
  let first: TestServer;
  let second: TestServer;

  before(async () => {
    // One after the other: the first creates the demo users, the second finds them.
    first = await startTestServer({ dataDir, sessionStore: 'sqlite', env: limits });
    second = await startTestServer({ dataDir, sessionStore: 'sqlite', env: limits });
  });
  after(async () => {
    await Promise.allSettled([first?.close(), second?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('locks a user after failures spread over both, whichever app answers next', async () => {
    const [onFirst, onSecond] = [new Client(first.url), new Client(second.url)];
    for (const client of [onFirst, onSecond, onFirst, onSecond]) {
      assertEnvelope(await client.post('/api/user/login', { username: 'zhangsan', password: 'guess' }), 200, -1, 'LOGIN_FAILED', '登录失败');
    }
    // Each app saw two failures; together they are the four allowed.
    for (const client of [onFirst, onSecond]) {
      const locked = await client.post('/api/user/login', { username: 'zhangsan', password: '123' });
      assertEnvelope(locked, 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
    }
    const file = new SqliteDatabase(join(dataDir, 'sessions.db'), { readonly: true });
    try {
      const keys = file.prepare('select key from login_failures').pluck().all() as string[];
      assert.deepEqual(keys.sort(), ['login_fail_ip:127.0.0.1', 'login_fail_user_ip:127.0.0.1_zhangsan'], 'rows of the session file');
    } finally {
      file.close();
    }
  });

  it('answers 503 while another connection holds the session file\'s write lock', async () => {
    first.expectLog(/^SERVICE_UNAVAILABLE:$/);
    const locker = new SqliteDatabase(join(dataDir, 'sessions.db'));
    locker.exec('begin immediate');
    try {
      const reply = await new Client(first.url).post('/api/user/login', { username: 'wangwu', password: 'guess' });
      assertEnvelope(reply, 503, -1, 'SERVICE_UNAVAILABLE', '服务暂时不可用，请稍后再试');
    } finally {
      locker.exec('rollback');
      locker.close();
    }
  });

  it('counts one address across usernames over both apps', async () => {
    let status = 200;
    let attempts = 0;
    for (; attempts < 12 && status === 200; attempts += 1) {
      const app = attempts % 2 === 0 ? first : second;
      status = (await new Client(app.url).post('/api/user/login', { username: `user${attempts}`, password: 'x' })).status;
    }
    assert.equal(status, 429);
    // Nine failures of the address in all, four of them in the first test (the 503 counted none):
    // the sixth attempt here is refused.
    assert.equal(attempts, 6);
  });
});
