/** The SQLite session store behind real HTTP: what is written when, and a locked store answering 503. */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

describe('sessions in SQLite', () => {
  let server: TestServer;
  let store: SqliteDatabase.Database;
  const rows = () => (store.prepare('select count(*) as n from sessions').get() as { n: number }).n;

  before(async () => {
    server = await startTestServer({ sessionStore: 'sqlite' });
    store = new SqliteDatabase(join(server.dataDir, 'sessions.db'));
  });
  after(async () => {
    store.close();
    await server.close();
  });

  it('writes nothing for anonymous requests, one row per login, and removes it at logout', async () => {
    const before = rows();
    const anonymous = new Client(server.url);
    for (const path of ['/api/blog/list', '/api/blog/detail?id=1', '/api/user/info', '/api/blog/list?isadmin=1']) await anonymous.get(path);
    await anonymous.post('/api/user/logout');
    assert.equal(rows(), before);

    const user = new Client(server.url);
    await user.login('zhangsan');
    assert.equal(rows(), before + 1);
    await user.login('zhangsan');
    assert.equal(rows(), before + 1, 'a second login replaces the first session');
    await user.post('/api/user/logout');
    assert.equal(rows(), before);
  });

  it('keeps a hash of the session id, never the cookie value', async () => {
    const user = new Client(server.url);
    await user.login('lisi');
    const id = (user.cookie ?? '').split('=')[1]?.split('.')[0] ?? '';
    const keys = store.prepare('select key from sessions').all() as { key: string }[];
    assert.ok(id.length > 40);
    assert.ok(keys.every(({ key }) => !key.includes(id) && !id.includes(key)));
  });

  it('answers 503 in the envelope, quickly, while another connection holds the store\'s write lock', async () => {
    server.expectLog(/^SERVICE_UNAVAILABLE:$/);
    const loggedIn = new Client(server.url);
    await loggedIn.login('zhangsan');
    const locker = new SqliteDatabase(join(server.dataDir, 'sessions.db'));
    locker.exec('begin immediate');
    try {
      const started = Date.now();
      const reply = await new Client(server.url).post('/api/user/login', { username: 'lisi', password: '123' });
      assertEnvelope(reply, 503, -1, 'SERVICE_UNAVAILABLE', '服务暂时不可用，请稍后再试');
      assert.ok(Date.now() - started < 3_000, 'bounded by the store deadline');
      // Readers are not blocked in WAL mode: a logged-in user keeps reading and anonymous reads work.
      assertEnvelope(await loggedIn.get('/api/user/info'), 200, 0);
      assertEnvelope(await new Client(server.url).get('/api/blog/list'), 200, 0);
    } finally {
      locker.exec('rollback');
      locker.close();
    }
    await new Client(server.url).login('lisi');
  });
});
