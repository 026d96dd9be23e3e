/**
 * Loading blog data into a database in one transaction: a failure anywhere (a bad row, a checksum
 * that does not match on reading back, a lost connection) rolls everything back, so the target keeps
 * what it had. Ids are kept; afterwards the counts of migrations 003 and 005 are recomputed and every id
 * sequence continues after the largest id (SQLite `sqlite_sequence`, PostgreSQL `setval`, MariaDB
 * `AUTO_INCREMENT`, which is DDL there and so set right after the commit).
 */
import { sql } from 'kysely';
import type { BlogDatabase } from '../database.ts';
import type { DialectName } from '../dialects/dialect.ts';
import type { Storage } from '../storage.ts';
import { blogDataTables, type DataRow, type TableShape } from './blog-data.ts';
import { readRows } from './read-rows.ts';

export interface BlogDataLoader {
  insert(shape: TableShape, rows: readonly DataRow[]): Promise<void>;
  /** Reads back what this transaction holds, to verify it before the commit. */
  rows(shape: TableShape, batchSize: number): AsyncGenerator<DataRow[]>;
}

/** Thrown when the target holds blog data and replacing it was not allowed. */
export class TargetNotEmptyError extends Error {}

/** Whether a database holds no users and no blogs (its schema must be migrated). */
export async function holdsBlogData(db: BlogDatabase): Promise<{ users: number; blogs: number }> {
  const count = async (table: string) => Number((await sql<{ n: unknown }>`select count(*) as n from ${sql.id(table)}`.execute(db)).rows[0]?.n ?? 0);
  return { users: await count('users'), blogs: await count('blogs') };
}

/** The triggers of migration 003 that keep the counts. */
const countTriggers = ['blogs_count_insert', 'blogs_count_delete', 'blogs_count_author'];

const begin: Readonly<Record<DialectName, string>> = {
  // IMMEDIATE takes the write lock now: a deferred transaction that reads first can fail to upgrade.
  sqlite: 'begin immediate',
  mysql: 'start transaction',
  postgres: 'begin',
};

async function resetSequences(db: BlogDatabase, dialect: DialectName): Promise<void> {
  for (const { name } of blogDataTables) {
    if (dialect === 'sqlite') {
      const hasSequences = (await sql`select 1 from sqlite_master where name = 'sqlite_sequence'`.execute(db)).rows.length > 0;
      if (hasSequences) await sql`update sqlite_sequence set seq = (select coalesce(max(id), 0) from ${sql.id(name)}) where name = ${name}`.execute(db);
    } else if (dialect === 'postgres') {
      await sql`select setval(pg_get_serial_sequence(${name}, 'id'), (select coalesce(max(id), 0) + 1 from ${sql.id(name)}), false)`.execute(db);
    } else {
      // InnoDB raises a value at or below the largest id to that id + 1.
      await sql`alter table ${sql.id(name)} auto_increment = 1`.execute(db);
    }
  }
}

/** The counts `X-Total-Count` reads, recomputed as migration 005 computes them: published rows only. */
async function recount(db: BlogDatabase): Promise<void> {
  await sql`delete from blog_counts`.execute(db);
  await sql`insert into blog_counts (author, n) select author, count(*) from blogs where status = 'published' group by author`.execute(db);
  await sql`delete from blog_total`.execute(db);
  await sql`insert into blog_total (id, n) select 1, count(*) from blogs where status = 'published'`.execute(db);
}

/**
 * Runs `work` in one transaction on `storage`, whose schema is up to date. With `replace`, the users
 * and blogs there are deleted first; without, a target holding any is refused (TargetNotEmptyError).
 */
export async function loadBlogData(storage: Storage, options: { replace: boolean }, work: (loader: BlogDataLoader) => Promise<void>): Promise<void> {
  const dialect = storage.dialect.name;
  await storage.db.connection().execute(async (connection) => {
    await sql.raw(begin[dialect]).execute(connection);
    try {
      // PostgreSQL: every count trigger rewrites the one blog_total row, and 100 000 versions of one row
      // in one transaction make each next update slower (measured: 200 rows/s). The counts are
      // recomputed below; the ALTER is part of the transaction, so a rollback re-enables them too.
      if (dialect === 'postgres') await sql`alter table blogs ${sql.join(countTriggers.map((name) => sql`disable trigger ${sql.id(name)}`))}`.execute(connection);
      if (options.replace) {
        await sql`delete from blog_revisions`.execute(connection);
        await sql`delete from blogs`.execute(connection);
        await sql`delete from users`.execute(connection);
      } else {
        const held = await holdsBlogData(connection);
        if (held.users + held.blogs > 0) throw new TargetNotEmptyError(`${storage.dialect.displayUrl} already holds ${held.users} users and ${held.blogs} blogs`);
      }
      await work({
        async insert(shape, rows) {
          if (rows.length === 0) return;
          const columns = sql.join(shape.columns.map((column) => sql.id(column)));
          const values = sql.join(rows.map((row) => sql`(${sql.join(row)})`));
          await sql`insert into ${sql.id(shape.name)} (${columns}) values ${values}`.execute(connection);
        },
        rows: (shape, batchSize) => readRows(connection, shape, batchSize),
      });
      if (dialect === 'postgres') await sql`alter table blogs ${sql.join(countTriggers.map((name) => sql`enable trigger ${sql.id(name)}`))}`.execute(connection);
      await recount(connection);
      if (dialect !== 'mysql') await resetSequences(connection, dialect);
      await sql`commit`.execute(connection);
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
    if (dialect === 'mysql') await resetSequences(connection, dialect);
  });
}
