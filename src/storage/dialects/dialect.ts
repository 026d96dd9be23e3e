/** What differs between SQLite, MySQL/MariaDB and PostgreSQL, behind one small interface. */
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { BlogDatabase, Database } from '../database.ts';

export type DialectName = 'sqlite' | 'mysql' | 'postgres';

export interface StorageOptions {
  /** Connections in a MySQL/PostgreSQL pool. */
  poolSize: number;
  /** How long SQLite waits for a lock held by another process, ms. */
  sqliteBusyTimeoutMs: number;
}

export interface StorageDialect {
  readonly name: DialectName;
  /** The URL with any password masked, for messages and logs. */
  readonly displayUrl: string;
  /** Builds the Kysely instance. Opens nothing until the first query (pools) or this call (SQLite file). */
  createDatabase(): Kysely<Database>;
  /** Inserts one row and resolves its new id (MariaDB cannot `RETURNING` through Kysely). */
  insertId(db: BlogDatabase, table: 'blogs' | 'users' | 'blog_revisions', values: Record<string, string | number | null>): Promise<number>;
  /**
   * Turns a query Kysely compiled once into a function that runs it with new parameters, skipping
   * Kysely's per-call building and compiling on the hottest reads. Where absent, the query runs
   * through `db.executeQuery`. SQLite runs it as a prepared statement on the one connection:
   * better-sqlite3 is synchronous, so no other statement interleaves with it; between the statements
   * of a write transaction (a blog and its search entry) such a read sees the transaction's rows.
   * PostgreSQL runs it on a pooled client as a named statement (parsed once per connection),
   * MySQL/MariaDB through mysql2 `execute` (prepared once per connection), both past Kysely with the
   * same deadline and 503s and outside any transaction: there it is for reads that need none.
   */
  prepare?<R>(query: CompiledQuery<R>): (parameters: readonly unknown[]) => Promise<R[]>;
  /**
   * Runs a write unit in a transaction of its own and resolves once it is committed. Where absent,
   * `writeTransaction` (../conflict-retry.ts) runs it, again after a deadlock. SQLite groups the units
   * of one event-loop turn into one commit (./sqlite-group-commit.ts). Only after `createDatabase()`.
   */
  writeUnit?<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}
