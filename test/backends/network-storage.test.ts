/**
 * The MySQL/MariaDB and PostgreSQL dialects beyond what the contract suite sees: the URLs they take,
 * which errors become 503s, utf8mb4 tables whatever the database's default, pg's int8 parser kept
 * to blog-server's own pool, and the count triggers on direct writes.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { BlogError } from '../../src/core/errors.ts';
import { dialectFor } from '../../src/storage/connect.ts';
import { DatabaseUnavailableError, hasDeadline, isConnectionError, networkDefaults, storageError } from '../../src/storage/dialects/network.ts';
import { openStorage, type Storage } from '../../src/storage/storage.ts';
import { createMariadbDatabase, createPostgresDatabase, skipUnless, withMariadb, type TestResource } from '../helpers/databases.ts';

const options = { poolSize: 2, sqliteBusyTimeoutMs: 1_000 };

describe('network DATABASE_URLs', () => {
  it('picks the dialect by scheme and masks the password', () => {
    for (const [url, name] of [['mysql://u:pw@h/db', 'mysql'], ['mariadb://u:pw@h/db', 'mysql'], ['postgres://u:pw@h/db', 'postgres'], ['postgresql://u:pw@h/db', 'postgres']] as const) {
      const dialect = dialectFor(url, options);
      assert.equal(dialect.name, name);
      assert.match(dialect.displayUrl, /^[a-z]+:\/\/u:\*\*\*@h\/db$/);
    }
  });

  it('takes connectTimeout and queryTimeout in ms, and refuses what it does not know', () => {
    assert.deepEqual(networkDefaults, { connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 });
    assert.doesNotThrow(() => dialectFor('mysql://h/db?connectTimeout=100&queryTimeout=200&ssl=true', options));
    assert.throws(() => dialectFor('mysql://u:secret@h/db?connectTimeout=soon', options), (error: Error) => /DATABASE_URL: connectTimeout/.test(error.message) && !error.message.includes('secret'));
    assert.throws(() => dialectFor('mysql://h/db?charset=latin1', options), /unknown parameter charset/);
    assert.throws(() => dialectFor('mysql://h/', options), /name the database/);
    assert.throws(() => dialectFor('postgres://h', options), /name the database/);
  });

  it('gives data statements a deadline, not schema changes or the migration lock', () => {
    for (const statement of ['select 1', ' insert into blogs values (1)', 'UPDATE blogs set x = 1', 'delete from blogs', 'with t as (select 1) select * from t']) assert.ok(hasDeadline(statement), statement);
    for (const statement of ['alter table blogs add column x int', 'create index i on blogs (x)', "select get_lock('kysely_migration_lock', 3600)", 'select pg_advisory_xact_lock(1)', 'begin']) assert.ok(!hasDeadline(statement), statement);
  });

  it('turns connection-class driver errors into 503s and leaves the others alone', () => {
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    const adminShutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const duplicate = Object.assign(new Error("Duplicate entry 'x' for key 'users_username_unique'"), { code: 'ER_DUP_ENTRY', fatal: false });
    const syntax = Object.assign(new Error('syntax error at or near "selct"'), { code: '42601' });
    for (const error of [lost, refused, adminShutdown, new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect')]) {
      assert.ok(isConnectionError(error), error.message);
      const converted = storageError('mysql://u:***@h/db', error);
      assert.ok(converted instanceof DatabaseUnavailableError && converted instanceof BlogError);
      assert.equal(converted.code, 'SERVICE_UNAVAILABLE');
      assert.equal(converted.status, 503);
      assert.equal(converted.message, '服务暂时不可用，请稍后再试', 'the client never sees the driver message');
      assert.equal(String(converted), `database mysql://u:***@h/db unreachable: ${error.message}`);
    }
    for (const error of [duplicate, syntax]) assert.equal(storageError('mysql://h/db', error), error);
  });
});

/** Opens storage on a fresh database, migrated. */
function storageOn(create: () => Promise<TestResource>): { storage: () => Storage; database: () => TestResource } {
  let database: TestResource | undefined;
  let storage: Storage | undefined;
  before(async () => {
    database = await create();
    storage = openStorage(database.url, options);
    await storage.migrate();
  });
  after(async () => {
    await storage?.close();
    await database?.drop();
  });
  return {
    storage: () => {
      assert.ok(storage);
      return storage;
    },
    database: () => {
      assert.ok(database);
      return database;
    },
  };
}

describe('MariaDB storage', { skip: skipUnless(['mariadb'], 'the MariaDB storage tests') }, () => {
  const { storage, database } = storageOn(() => createMariadbDatabase('latin1'));

  it('creates utf8mb4 tables with binary collation in a latin1 database', async () => {
    const tables = await withMariadb(async (connection) => (await connection.query('select table_name as name, table_collation as collation from information_schema.tables where table_schema = database() order by table_name'))[0] as { name: string; collation: string }[], database().name);
    assert.deepEqual(tables.map((table) => table.name).sort(), ['blog_counts', 'blog_revisions', 'blog_search_docs', 'blog_search_pending', 'blog_search_postings', 'blog_search_term_counts', 'blog_server_migrations', 'blog_server_migrations_lock', 'blog_title_gram_counts', 'blog_title_grams', 'blog_total', 'blogs', 'users']);
    for (const table of tables) assert.equal(table.collation, 'utf8mb4_bin', table.name);
  });

  it('tells usernames apart by case, as SQLite and PostgreSQL do', async () => {
    await storage().users.insert({ username: 'Alice', password: 'x', realname: '😀' });
    await storage().users.insert({ username: 'alice', password: 'y', realname: '' });
    assert.equal((await storage().users.findByUsername('alice'))?.password, 'y');
    assert.equal(await storage().users.findByUsername('ALICE'), undefined);
    assert.equal((await storage().users.findByUsername('Alice'))?.realname, '😀');
  });

  it('keeps the counts right when another program writes the blogs table', async () => {
    await withMariadb(async (connection) => {
      await connection.query("insert into blogs (title, content, createtime, author) values ('a', 'c', 1, 'Alice'), ('b', 'c', 2, 'alice'), ('c', 'c', 3, 'alice')");
      await connection.query("update blogs set author = 'Alice' where title = 'b'");
      await connection.query("delete from blogs where title = 'c'");
    }, database().name);
    assert.equal((await storage().blogs.list({ author: 'Alice' }, 1, 0)).total, 2);
    assert.equal((await storage().blogs.list({ author: 'alice' }, 1, 0)).total, 0);
    assert.equal((await storage().blogs.list({}, 1, 0)).total, 2);
  });
});

describe('PostgreSQL storage', { skip: skipUnless(['postgres'], 'the PostgreSQL storage tests') }, () => {
  const { storage } = storageOn(createPostgresDatabase);

  it('reads int8 as numbers on its own pool only', async () => {
    const id = await storage().blogs.insert({ title: 't', content: 'c', author: 'a', createtime: 1_700_000_000_123 });
    const blog = await storage().blogs.findById(id);
    assert.equal(typeof id, 'number');
    assert.equal(blog?.createtime, 1_700_000_000_123);
    assert.equal((await storage().blogs.list({ keyword: 'T' }, 10, 0)).total, 1);
    assert.equal(pg.types.getTypeParser(20, 'text')('42'), '42', 'the global int8 parser is untouched');
  });
});
