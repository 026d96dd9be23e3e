/**
 * The static list of migrations, in order, for the database a dialect names. Names are dated so they
 * sort; never rename one that shipped, and never edit one: a schema change is a new migration (the
 * schema snapshot tests in test/backends/ fail otherwise).
 */
import type { Migration } from 'kysely';
import { courseTables } from './001-course-tables.ts';
import { serverColumns } from './002-server-columns.ts';
import { blogCounts } from './003-blog-counts.ts';
import { searchIndex } from './004-search-index.ts';
import { writing } from './005-writing.ts';
import { searchPostings } from './006-search-postings.ts';
import { draftsIndex } from './007-drafts-index.ts';
import type { MigrationDialect } from './per-dialect.ts';

export type { MigrationDialect } from './per-dialect.ts';

export function migrationsFor(dialect: MigrationDialect): Record<string, Migration> {
  return {
    '2026-11-25-001-course-tables': courseTables[dialect],
    '2026-11-25-002-server-columns': serverColumns[dialect],
    '2026-11-25-003-blog-counts': blogCounts[dialect],
    '2026-12-01-004-search-index': searchIndex[dialect],
    '2026-12-01-005-writing': writing[dialect],
    '2026-12-01-006-search-postings': searchPostings[dialect],
    '2026-12-04-007-drafts-index': draftsIndex[dialect],
  };
}
