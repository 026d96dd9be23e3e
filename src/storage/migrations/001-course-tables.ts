/** The course's two tables, created only when missing: a course-made database keeps its own. */
import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '../dialects/dialect.ts';

export function courseTables(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialect
        .addIdColumn(db.schema.createTable('users').ifNotExists())
        .addColumn('username', 'varchar(64)', (column) => column.notNull())
        .addColumn('password', 'varchar(255)', (column) => column.notNull())
        .addColumn('realname', 'varchar(64)', (column) => column.notNull().defaultTo(''))
        .execute();
      await dialect
        .addIdColumn(db.schema.createTable('blogs').ifNotExists())
        .addColumn('title', 'varchar(1024)', (column) => column.notNull())
        .addColumn('content', dialect.longTextType, (column) => column.notNull())
        .addColumn('createtime', 'bigint', (column) => column.notNull())
        .addColumn('author', 'varchar(64)', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('blogs').ifExists().execute();
      await db.schema.dropTable('users').ifExists().execute();
    },
  };
}
