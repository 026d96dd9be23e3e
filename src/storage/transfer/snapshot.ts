/**
 * A consistent read of the blog data while the server keeps writing. SQLite: `VACUUM INTO` a private
 * copy beside the database (one statement, so one point in time; better-sqlite3's backup API restarts
 * whenever another process writes), checked with `PRAGMA integrity_check`, read, then deleted.
 * MariaDB/MySQL: `START TRANSACTION WITH CONSISTENT SNAPSHOT` under REPEATABLE READ. PostgreSQL: a
 * REPEATABLE READ READ ONLY transaction. Every read of `work` sees the same instant.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { BlogDatabase, Database } from '../database.ts';
import type { DialectName } from '../dialects/dialect.ts';
import type { Storage } from '../storage.ts';
import type { DataRow, TableShape } from './blog-data.ts';
import { countRows, readRows, schemaVersionOf } from './read-rows.ts';

export interface SnapshotReader {
  readonly dialect: DialectName;
  /** The latest migration applied when the snapshot was taken. */
  readonly schemaVersion: string;
  count(table: string): Promise<number>;
  rows(shape: TableShape, batchSize: number): AsyncGenerator<DataRow[]>;
}

function readerOf(db: BlogDatabase, dialect: DialectName, schemaVersion: string): SnapshotReader {
  return { dialect, schemaVersion, count: (table) => countRows(db, table), rows: (shape, batchSize) => readRows(db, shape, batchSize) };
}

async function sqliteSnapshot<T>(storage: Storage, path: string, work: (reader: SnapshotReader) => Promise<T>): Promise<T> {
  if (path === ':memory:') throw new Error('an in-memory SQLite database (sqlite::memory:) cannot be read by another process');
  // Beside the database: the same file system, so there is room for a copy of it.
  const copy = join(dirname(path), `.${basename(path)}.snapshot-${process.pid}-${randomBytes(4).toString('hex')}`);
  const removeCopy = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${copy}${suffix}`, { force: true });
  };
  // A killed command must not leave a copy of the whole blog behind.
  process.once('exit', removeCopy);
  try {
    await schemaVersionOf(storage.db, storage.dialect.displayUrl);
    await sql`vacuum into ${copy}`.execute(storage.db);
    const database = new SqliteDatabase(copy, { readonly: true });
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    try {
      const check = database.pragma('integrity_check') as { integrity_check: string }[];
      const problems = check.map((row) => row.integrity_check).filter((line) => line !== 'ok');
      if (problems.length > 0) throw new Error(`${storage.dialect.displayUrl} fails PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
      return await work(readerOf(db, 'sqlite', await schemaVersionOf(db, storage.dialect.displayUrl)));
    } finally {
      await db.destroy();
    }
  } finally {
    removeCopy();
    process.removeListener('exit', removeCopy);
  }
}

async function transactionSnapshot<T>(storage: Storage, begin: string, work: (reader: SnapshotReader) => Promise<T>): Promise<T> {
  return storage.db.connection().execute(async (connection) => {
    if (storage.dialect.name === 'mysql') await sql`set transaction isolation level repeatable read`.execute(connection);
    await sql.raw(begin).execute(connection);
    try {
      const result = await work(readerOf(connection, storage.dialect.name, await schemaVersionOf(connection, storage.dialect.displayUrl)));
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

/** Runs `work` on one consistent snapshot of the blog data of `storage`. */
export function withSnapshot<T>(storage: Storage, work: (reader: SnapshotReader) => Promise<T>): Promise<T> {
  switch (storage.dialect.name) {
    case 'sqlite':
      // A SQLite dialect's display URL is its resolved path.
      return sqliteSnapshot(storage, storage.dialect.displayUrl, work);
    case 'mysql':
      return transactionSnapshot(storage, 'start transaction with consistent snapshot, read only', work);
    case 'postgres':
      return transactionSnapshot(storage, 'begin transaction isolation level repeatable read read only', work);
  }
}
