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
import { CompiledQuery, Kysely, SqliteDialect, type Generated } from 'kysely';
import { groupCommitInserts, groupCommitUnits } from '../../src/storage/dialects/sqlite-group-commit.ts';
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

test('write units of one turn share one transaction; one that throws is rolled back to its savepoint alone; each is answered once committed', async () => {
  const { dir, path, database } = unitDatabase();
  database.prepare('insert into t (name) values (?)').run('taken');
  const db = new Kysely<UnitTables>({ dialect: new SqliteDialect({ database }) });
  const other = new Database(path, { readonly: true });
  try {
    const run = groupCommitUnits(db);
    const committed = (name: string) => (other.prepare('select count(*) as n from t join tags on tags.t_id = t.id where t.name = ?').get(name) as { n: number }).n;
    // Two statements a unit, as a blog and its search entries.
    const unit = (name: string) => run(async (trx) => {
      const { id } = await trx.insertInto('t').values({ name }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('tags').values({ t_id: id, tag: `tag of ${name}` }).execute();
      const firstInThisTransaction = (await trx.selectFrom('t').select('id').where('name', '=', 'first').execute()).length;
      return { id, firstInThisTransaction, firstCommitted: committed('first') };
    }).then((result) => ({ ...result, committedWhenAnswered: committed(name) }));
    const [first, taken, third, half] = await Promise.allSettled([unit('first'), unit('taken'), unit('third'), run(async (trx) => {
      await trx.insertInto('t').values({ name: 'half' }).execute();
      throw new Error('the unit gives up after its first statement');
    })]);
    assert.ok(first?.status === 'fulfilled' && third?.status === 'fulfilled');
    assert.equal(first.value.committedWhenAnswered, 1, 'committed by the time it is answered');
    assert.equal(third.value.committedWhenAnswered, 1, 'committed by the time it is answered');
    assert.deepEqual([third.value.firstInThisTransaction, third.value.firstCommitted], [1, 0], "the third unit ran in the first's transaction, before its commit");
    assert.match(String(taken?.status === 'rejected' ? taken.reason : ''), /UNIQUE constraint failed/);
    assert.match(String(half?.status === 'rejected' ? half.reason : ''), /gives up/);
    const names = (database.prepare('select name from t order by id').all() as { name: string }[]).map((entry) => entry.name);
    assert.deepEqual(names, ['taken', 'first', 'third'], 'the failing units left nothing');
    assert.equal((database.prepare('select count(*) as n from tags').get() as { n: number }).n, 2);
    assert.equal(database.inTransaction, false);
  } finally {
    other.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when the shared transaction cannot begin, every unit of it rejects and nothing is written', async () => {
  const { dir, path, database: setup } = unitDatabase();
  const database = new Database(path, { timeout: 0 });
  const db = new Kysely<UnitTables>({ dialect: new SqliteDialect({ database }) });
  try {
    // Another process's writer holds the lock: the group's first write meets SQLITE_BUSY.
    setup.exec('begin immediate');
    const run = groupCommitUnits(db);
    const results = await Promise.allSettled(['a', 'b'].map((name) => run((trx) => trx.insertInto('t').values({ name }).execute())));
    setup.exec('rollback');
    for (const result of results) assert.match(String(result.status === 'rejected' ? result.reason : 'fulfilled'), /database is locked/);
    assert.equal((setup.prepare('select count(*) as n from t').get() as { n: number }).n, 0);
    assert.equal(database.inTransaction, false);
  } finally {
    await db.destroy();
    setup.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A WAL file with a table `t` of unique names and a table `tags` of their tags, in a temp dir. */
function unitDatabase(): { dir: string; path: string; database: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-group-units-'));
  const path = join(dir, 'test.db');
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.exec('create table t (id integer primary key, name text not null unique); create table tags (t_id integer not null, tag text not null)');
  return { dir, path, database };
}

interface UnitTables {
  t: { id: Generated<number>; name: string };
  tags: { t_id: number; tag: string };
}
