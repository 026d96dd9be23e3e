/**
 * The drafts found by an index on MySQL/MariaDB too. The public counts of `search=` and `keyword=`
 * subtract the hidden posts that hold the term — those ahead of the clock (the createtime index)
 * and the drafts (src/storage/search-index.ts). SQLite and PostgreSQL find the drafts in 005's
 * partial index `blogs_drafts_author`; MySQL has no partial indexes, and without an index led by
 * status it read every posting of the term to count them (3.5 ms a request at 100,000 posts for a
 * term in 1 % of them, ten times that at a million). `blogs_status_createtime_id` makes the drafts
 * a range, as small as they are few. SQLite and PostgreSQL change nothing: SQLite, which has no
 * statistics, would take an index led by status for the public list and sort every row (005).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { PerDialect } from './per-dialect.ts';

const unchanged: Migration = {
  async up() {},
  async down() {},
};

async function mysqlHasIndex(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql`select 1 as found from information_schema.statistics
    where table_schema = database() and table_name = 'blogs' and index_name = 'blogs_status_createtime_id' limit 1`.execute(db);
  return rows.length > 0;
}

const mysql: Migration = {
  // MySQL has no CREATE INDEX IF NOT EXISTS and its DDL is not transactional: look first, so that a re-run succeeds.
  async up(db: Kysely<unknown>) {
    if (!(await mysqlHasIndex(db))) await sql`create index blogs_status_createtime_id on blogs (status, createtime, id)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    if (await mysqlHasIndex(db)) await sql`drop index blogs_status_createtime_id on blogs`.execute(db);
  },
};

export const draftsIndex: PerDialect = { sqlite: unchanged, mysql, postgres: unchanged };
