/**
 * Counts of blogs, per author and in all, kept by triggers: the list's `X-Total-Count` then reads one
 * row instead of counting 100 000, and stays right even when another program writes `blogs`.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { BlogDatabase } from '../database.ts';
import type { StorageDialect } from '../dialects/dialect.ts';

export function blogCounts(dialect: StorageDialect): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as BlogDatabase;
      await db.schema
        .createTable('blog_counts')
        .ifNotExists()
        .addColumn('author', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('n', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('blog_total')
        .ifNotExists()
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('n', 'bigint', (column) => column.notNull())
        .execute();
      // Recount from scratch, then keep counting: safe to re-run after a partial MySQL migration.
      await dialect.dropCountTriggers(db);
      await db.deleteFrom('blog_counts').execute();
      await db.deleteFrom('blog_total').execute();
      await sql`insert into blog_counts (author, n) select author, count(*) from blogs group by author`.execute(db);
      await sql`insert into blog_total (id, n) select 1, count(*) from blogs`.execute(db);
      await dialect.createCountTriggers(db);
    },
    async down(untyped: Kysely<unknown>) {
      const db = untyped as BlogDatabase;
      await dialect.dropCountTriggers(db);
      await db.schema.dropTable('blog_total').ifExists().execute();
      await db.schema.dropTable('blog_counts').ifExists().execute();
    },
  };
}
