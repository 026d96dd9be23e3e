/**
 * The schema a fresh migration produces, per database and for the SQLite session file, equals the
 * checked-in snapshot in `schema/<name>.snapshot.txt`: a table, column, index or trigger that changes
 * without a migration (an edited migration, a dialect that changed under one) fails here with a line
 * diff. How to refresh a snapshot on purpose is in `schema/snapshot.ts`.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import { createAppLog } from '../../src/ops/app-log.ts';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, skipUnless, withMariadb, withPostgres } from '../helpers/databases.ts';
import { readMysqlSchema, readPostgresSchema, readSqliteSchema } from './schema/read-schema.ts';
import { assertSchemaSnapshot, lineDiff } from './schema/snapshot.ts';

const directory = mkdtempSync(join(tmpdir(), 'blog-server-schema-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const options = { poolSize: 1, sqliteBusyTimeoutMs: 5_000 };
const migrations = 'blog_server_migrations';

/** Migrates a fresh database at `url` and checks that the migrations ran; a second run does nothing. */
async function migrate(url: string): Promise<void> {
  const storage = openStorage(url, options);
  try {
    assert.ok((await storage.migrate()).length > 0);
    assert.deepEqual(await storage.migrate(), []);
  } finally {
    await storage.close();
  }
}

describe('schema snapshots', () => {
  it('SQLite: a freshly migrated blog database', async () => {
    const path = join(directory, 'blog.db');
    await migrate(path);
    const database = new SqliteDatabase(path, { readonly: true });
    try {
      assertSchemaSnapshot('sqlite', readSqliteSchema(database, migrations), 'Schema of a freshly migrated SQLite blog database (test/backends/schema-snapshot.test.ts).');
    } finally {
      database.close();
    }
  });

  it('SQLite: a fresh session file', async () => {
    const path = join(directory, 'sessions.db');
    await new SqliteSessionStore({ path, busyTimeoutMs: 1_000, purgeIntervalMs: 60_000, log: createAppLog() }).close();
    const database = new SqliteDatabase(path, { readonly: true });
    try {
      assertSchemaSnapshot('sqlite-sessions', readSqliteSchema(database, 'session_migrations'), 'Schema of a fresh SQLite session file (test/backends/schema-snapshot.test.ts).');
    } finally {
      database.close();
    }
  });

  it('MariaDB: a freshly migrated database', { skip: skipUnless(['mariadb'], 'the MariaDB schema snapshot') }, async () => {
    const database = await createTestDatabase('mariadb');
    try {
      await migrate(database.url);
      const lines = await withMariadb((connection) => readMysqlSchema(connection, migrations), database.name);
      assertSchemaSnapshot('mariadb', lines, 'Schema of a freshly migrated MariaDB database, created latin1 (test/backends/schema-snapshot.test.ts).');
    } finally {
      await database.drop();
    }
  });

  it('PostgreSQL: a freshly migrated database', { skip: skipUnless(['postgres'], 'the PostgreSQL schema snapshot') }, async () => {
    const database = await createTestDatabase('postgres');
    try {
      await migrate(database.url);
      const lines = await withPostgres((client) => readPostgresSchema(client, migrations), database.name);
      assertSchemaSnapshot('postgres', lines, 'Schema of a freshly migrated PostgreSQL database (test/backends/schema-snapshot.test.ts).');
    } finally {
      await database.drop();
    }
  });
});

describe('schema snapshot failures', { skip: process.env.UPDATE_SCHEMA_SNAPSHOTS === '1' ? 'refreshing the snapshots' : undefined }, () => {
  it('fails with a readable diff when a table changes without a migration', async () => {
    const path = join(directory, 'changed.db');
    await migrate(path);
    const database = new SqliteDatabase(path);
    try {
      database.exec('alter table users add column state int default 1; drop index blogs_createtime_id');
      const lines = readSqliteSchema(database, migrations);
      assert.throws(() => assertSchemaSnapshot('sqlite', lines, ''), (error: Error) => {
        assert.match(error.message, /^The sqlite schema differs from .*sqlite\.snapshot\.txt$/m);
        assert.match(error.message, /^- {3}index blogs_createtime_id \(createtime, id\)$/m);
        assert.match(error.message, /^\+ {3}column 05 state INT null default 1$/m);
        assert.match(error.message, /UPDATE_SCHEMA_SNAPSHOTS=1 node scripts\/run-tests\.mjs test\/backends\/schema-snapshot\.test\.ts/);
        return true;
      });
    } finally {
      database.close();
    }
  });

  it('diffs lines: - only in the snapshot, + only in the database, common lines kept', () => {
    assert.deepEqual(lineDiff(['table a', 'column x int', 'column y int'], ['table a', 'column x bigint', 'column y int', 'column z int']), [
      '  table a', '+ column x bigint', '- column x int', '  column y int', '+ column z int',
    ]);
  });
});
