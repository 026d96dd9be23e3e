/** The static list of migrations, in order. Names are dated so they sort; never rename one that shipped. */
import type { Migration } from 'kysely';
import type { StorageDialect } from '../dialects/dialect.ts';
import { courseTables } from './001-course-tables.ts';
import { serverColumns } from './002-server-columns.ts';
import { blogCounts } from './003-blog-counts.ts';

export function migrationsFor(dialect: StorageDialect): Record<string, Migration> {
  return {
    '2026-11-25-001-course-tables': courseTables(dialect),
    '2026-11-25-002-server-columns': serverColumns(dialect),
    '2026-11-25-003-blog-counts': blogCounts(dialect),
  };
}
