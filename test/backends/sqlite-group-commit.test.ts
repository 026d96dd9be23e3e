/**
 * Group commit of SQLite inserts (src/storage/dialects/sqlite-group-commit.ts): concurrent creates
 * through the HTTP API are all answered, all distinct, and committed when answered (a second
 * connection to the file sees every one of them); in one batch a failing insert fails alone.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { groupCommitInserts } from '../../src/storage/dialects/sqlite-group-commit.ts';
import { assertEnvelope, Client } from '../helpers/client.ts';
import { startTestServer } from '../helpers/start-server.ts';

test('concurrent creates: every one answered with its own id, committed by the time it is answered', async () => {
  const server = await startTestServer();
  try {
    const zhangsan = new Client(server.url);
    await zhangsan.login('zhangsan');
    const before = Number((await zhangsan.get('/api/blog/list')).headers.get('x-total-count'));
    const count = 40;
    const replies = await Promise.all(Array.from({ length: count }, (_, n) => zhangsan.post('/api/blog/new', { title: `group ${n}`, content: `body ${n}` })));
    const ids = replies.map((reply) => (assertEnvelope(reply, 200, 0).data as { id: number }).id);
    assert.equal(new Set(ids).size, count, 'distinct ids');
    // Another connection sees only committed rows: every answered create is in the file.
    const other = new Database(join(server.dataDir, 'blog.db'), { readonly: true });
    try {
      const rows = other.prepare(`select id, title from blogs where id in (${ids.map(() => '?').join(', ')})`).all(...ids) as { id: number; title: string }[];
      assert.equal(rows.length, count);
      const titles = new Map(rows.map((row) => [row.id, row.title]));
      ids.forEach((id, n) => assert.equal(titles.get(id), `group ${n}`));
    } finally {
      other.close();
    }
    assert.equal(Number((await zhangsan.get('/api/blog/list')).headers.get('x-total-count')), before + count, 'the count triggers ran for every row');
    const detail = assertEnvelope(await zhangsan.get(`/api/blog/detail?id=${ids[7]}`), 200, 0);
    assert.equal((detail.data as { title: string }).title, 'group 7');
  } finally {
    await server.close();
  }
});

test('in one batch, an insert that fails fails alone and the others are committed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-group-commit-'));
  const database = new Database(join(dir, 'test.db'));
  try {
    database.pragma('journal_mode = WAL');
    database.exec('create table t (id integer primary key, name text not null unique)');
    const insert = groupCommitInserts(database);
    const row = (name: string) => CompiledQuery.raw('insert into t (name) values (?)', [name]);
    database.prepare('insert into t (name) values (?)').run('taken');
    // Queued in one turn of the event loop: one transaction, three savepoints.
    const results = await Promise.allSettled([insert(row('first')), insert(row('taken')), insert(row('third'))]);
    assert.equal(results[0]?.status, 'fulfilled');
    assert.equal(results[2]?.status, 'fulfilled');
    const failed = results[1];
    assert.equal(failed?.status, 'rejected');
    assert.match(String(failed.status === 'rejected' ? failed.reason : ''), /UNIQUE constraint failed/);
    const names = (database.prepare('select name from t order by id').all() as { name: string }[]).map((entry) => entry.name);
    assert.deepEqual(names, ['taken', 'first', 'third']);
    assert.equal(database.inTransaction, false);
  } finally {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
