/**
 * What a real server needs on top of the course's tables: `blogs.updatetime`, unique usernames,
 * indexes for the newest-first list (whole table and per author), and password columns wide enough
 * for scrypt. Every step checks before it acts, so it is safe on course-made databases and can be
 * re-run where DDL is not transactional (MySQL).
 */
import type { Kysely, Migration } from 'kysely';
import type { BlogDatabase } from '../database.ts';
import type { StorageDialect } from '../dialects/dialect.ts';

const indexes = [
  { name: 'users_username_unique', table: 'users', columns: ['username'], unique: true },
  { name: 'blogs_createtime_id', table: 'blogs', columns: ['createtime', 'id'], unique: false },
  { name: 'blogs_author_createtime_id', table: 'blogs', columns: ['author', 'createtime', 'id'], unique: false },
] as const;

export function serverColumns(dialect: StorageDialect): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as BlogDatabase;
      const blogs = (await db.introspection.getTables()).find((table) => table.name === 'blogs');
      if (!blogs?.columns.some((column) => column.name === 'updatetime')) {
        await db.schema.alterTable('blogs').addColumn('updatetime', 'bigint').execute();
      }
      await dialect.widenCourseColumns(db);
      for (const index of indexes) {
        if (await dialect.indexExists(db, index.table, index.name)) continue;
        const builder = db.schema.createIndex(index.name).on(index.table).columns([...index.columns]);
        await (index.unique ? builder.unique() : builder).execute();
      }
    },
    async down(untyped: Kysely<unknown>) {
      const db = untyped as BlogDatabase;
      for (const index of indexes) {
        if (await dialect.indexExists(db, index.table, index.name)) await db.schema.dropIndex(index.name).on(index.table).execute();
      }
    },
  };
}
