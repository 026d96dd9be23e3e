/**
 * Writing (issue 17): `blogs.status` ('published' | 'draft'), `blogs.format` ('html' | 'markdown')
 * and `blogs.source` (the Markdown text), the table `blog_revisions` of earlier versions, and, where
 * the database has partial indexes (SQLite, PostgreSQL), an index of drafts by author for the own
 * list's count. Partial, so that no planner takes it for the public list's `status = 'published'`
 * (an index led by status was chosen there by SQLite without statistics, and sorted every row);
 * MariaDB counts an author's drafts through the author's createtime index. The counters of 003 now count published rows only: their triggers
 * are replaced (same names, so 003's `down` still finds them) and follow a change of status as well
 * as of author. A scheduled post is a published row whose createtime lies ahead: the counters include
 * it, and the public count subtracts the few rows ahead of the clock (src/storage/blog-repository.ts).
 * Every step checks or tolerates a re-run: MySQL DDL is not transactional.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { PerDialect } from './per-dialect.ts';

const countTriggers = ['blogs_count_insert', 'blogs_count_delete', 'blogs_count_author'];

interface WritingSchema {
  hasColumn(db: Kysely<unknown>, column: string): Promise<boolean>;
  /** ADD COLUMN clauses of status, format and source, by name. */
  columns: Readonly<Record<'status' | 'format' | 'source', RawBuilder<unknown>>>;
  statements: readonly RawBuilder<unknown>[];
  /** The index of the own list's draft count, `blogs_drafts_author`, where partial indexes exist. */
  createIndex(db: Kysely<unknown>): Promise<void>;
  createTriggers(db: Kysely<unknown>): Promise<void>;
  dropTriggers(db: Kysely<unknown>): Promise<void>;
  /** Puts back the triggers of 003 (all rows counted), written out again: a migration imports no other. */
  restoreCourseCounting(db: Kysely<unknown>): Promise<void>;
  dropIndex: RawBuilder<unknown>;
}

async function found(db: Kysely<unknown>, query: RawBuilder<unknown>): Promise<boolean> {
  return (await query.execute(db)).rows.length > 0;
}

async function recount(db: Kysely<unknown>, where: RawBuilder<unknown>): Promise<void> {
  await sql`delete from ${sql.id('blog_counts')}`.execute(db);
  await sql`delete from ${sql.id('blog_total')}`.execute(db);
  await sql`insert into blog_counts (author, n) select author, count(*) from blogs ${where} group by author`.execute(db);
  await sql`insert into blog_total (id, n) select 1, count(*) from blogs ${where}`.execute(db);
}

function migration(schema: WritingSchema): Migration {
  return {
    async up(db) {
      for (const [name, clause] of Object.entries(schema.columns)) {
        if (!(await schema.hasColumn(db, name))) await sql`alter table ${sql.id('blogs')} add column ${clause}`.execute(db);
      }
      for (const statement of schema.statements) await statement.execute(db);
      await schema.createIndex(db);
      await schema.dropTriggers(db);
      await recount(db, sql`where status = 'published'`);
      await schema.createTriggers(db);
    },
    async down(db) {
      await schema.dropTriggers(db);
      await recount(db, sql``);
      await schema.restoreCourseCounting(db);
      await sql`drop table if exists ${sql.id('blog_revisions')}`.execute(db);
      await schema.dropIndex.execute(db);
      // The columns stay: dropping them loses drafts' status; a course client never sees them.
    },
  };
}

async function dropTriggers(db: Kysely<unknown>): Promise<void> {
  for (const name of countTriggers) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
}

const sqlite: WritingSchema = {
  hasColumn: (db, column) => found(db, sql`select 1 from pragma_table_info('blogs') where name = ${column}`),
  columns: {
    status: sql`"status" varchar(16) default 'published' not null`,
    format: sql`"format" varchar(16) default 'html' not null`,
    source: sql`"source" text`,
  },
  statements: [
    sql`create table if not exists "blog_revisions" ("id" integer primary key autoincrement, "blog_id" integer not null, "author" varchar(64) not null,
      "title" varchar(1024) not null, "content" text not null, "source" text, "format" varchar(16) not null, "kind" varchar(16) not null, "createtime" bigint not null)`,
    sql`create index if not exists "blog_revisions_blog_id_id" on "blog_revisions" ("blog_id", "id")`,
  ],
  async createIndex(db) {
    await sql`create index if not exists "blogs_drafts_author" on "blogs" ("author") where "status" = 'draft'`.execute(db);
  },
  async createTriggers(db) {
    await sql`create trigger if not exists blogs_count_insert after insert on blogs when new.status = 'published' begin
        insert into blog_counts (author, n) values (new.author, 1) on conflict (author) do update set n = n + 1;
        update blog_total set n = n + 1 where id = 1;
      end`.execute(db);
    await sql`create trigger if not exists blogs_count_delete after delete on blogs when old.status = 'published' begin
        update blog_counts set n = n - 1 where author = old.author;
        update blog_total set n = n - 1 where id = 1;
      end`.execute(db);
    await sql`create trigger if not exists blogs_count_author after update of author, status on blogs
      when (old.author is not new.author or old.status is not new.status) and (old.status = 'published' or new.status = 'published') begin
        update blog_counts set n = n - 1 where author = old.author and old.status = 'published';
        update blog_total set n = n - 1 where id = 1 and old.status = 'published';
        insert into blog_counts (author, n) select new.author, 1 where new.status = 'published' on conflict (author) do update set n = n + 1;
        update blog_total set n = n + 1 where id = 1 and new.status = 'published';
      end`.execute(db);
  },
  dropTriggers,
  async restoreCourseCounting(db) {
    await sql`create trigger if not exists blogs_count_insert after insert on blogs begin
        insert into blog_counts (author, n) values (new.author, 1) on conflict (author) do update set n = n + 1;
        update blog_total set n = n + 1 where id = 1;
      end`.execute(db);
    await sql`create trigger if not exists blogs_count_delete after delete on blogs begin
        update blog_counts set n = n - 1 where author = old.author;
        update blog_total set n = n - 1 where id = 1;
      end`.execute(db);
    await sql`create trigger if not exists blogs_count_author after update of author on blogs when old.author is not new.author begin
        update blog_counts set n = n - 1 where author = old.author;
        insert into blog_counts (author, n) values (new.author, 1) on conflict (author) do update set n = n + 1;
      end`.execute(db);
  },
  dropIndex: sql`drop index if exists "blogs_drafts_author"`,
};

const mysql: WritingSchema = {
  hasColumn: (db, column) => found(db, sql`select 1 as found from information_schema.columns
    where table_schema = database() and table_name = 'blogs' and column_name = ${column} limit 1`),
  // utf8mb4 with the binary collation, whatever the database's default (see dialects/mysql.ts).
  columns: {
    status: sql`status varchar(16) character set utf8mb4 collate utf8mb4_bin not null default 'published'`,
    format: sql`format varchar(16) character set utf8mb4 collate utf8mb4_bin not null default 'html'`,
    source: sql`source longtext character set utf8mb4 collate utf8mb4_bin null`,
  },
  statements: [
    sql`create table if not exists blog_revisions (id integer primary key auto_increment, blog_id integer not null, author varchar(64) not null,
      title varchar(1024) not null, content longtext not null, source longtext null, format varchar(16) not null, kind varchar(16) not null, createtime bigint not null,
      key blog_revisions_blog_id_id (blog_id, id)) default character set utf8mb4 collate utf8mb4_bin`,
  ],
  async createIndex() {
    // No partial indexes: a full one led by status could be taken for the public list.
  },
  async createTriggers(db) {
    await sql`create trigger blogs_count_insert after insert on blogs for each row begin
        if new.status = 'published' then
          insert into blog_counts (author, n) values (new.author, 1) on duplicate key update n = n + 1;
          update blog_total set n = n + 1 where id = 1;
        end if;
      end`.execute(db);
    await sql`create trigger blogs_count_delete after delete on blogs for each row begin
        if old.status = 'published' then
          update blog_counts set n = n - 1 where author = old.author;
          update blog_total set n = n - 1 where id = 1;
        end if;
      end`.execute(db);
    await sql`create trigger blogs_count_author after update on blogs for each row begin
        if not (old.author <=> new.author and old.status <=> new.status) then
          if old.status = 'published' then
            update blog_counts set n = n - 1 where author = old.author;
            update blog_total set n = n - 1 where id = 1;
          end if;
          if new.status = 'published' then
            insert into blog_counts (author, n) values (new.author, 1) on duplicate key update n = n + 1;
            update blog_total set n = n + 1 where id = 1;
          end if;
        end if;
      end`.execute(db);
  },
  dropTriggers,
  async restoreCourseCounting(db) {
    await sql`create trigger blogs_count_insert after insert on blogs for each row begin
        insert into blog_counts (author, n) values (new.author, 1) on duplicate key update n = n + 1;
        update blog_total set n = n + 1 where id = 1;
      end`.execute(db);
    await sql`create trigger blogs_count_delete after delete on blogs for each row begin
        update blog_counts set n = n - 1 where author = old.author;
        update blog_total set n = n - 1 where id = 1;
      end`.execute(db);
    await sql`create trigger blogs_count_author after update on blogs for each row begin
        if not (old.author <=> new.author) then
          update blog_counts set n = n - 1 where author = old.author;
          insert into blog_counts (author, n) values (new.author, 1) on duplicate key update n = n + 1;
        end if;
      end`.execute(db);
  },
  dropIndex: sql`select 1`,
};

const postgres: WritingSchema = {
  hasColumn: (db, column) => found(db, sql`select 1 as found from information_schema.columns
    where table_schema = current_schema() and table_name = 'blogs' and column_name = ${column} limit 1`),
  columns: {
    status: sql`status varchar(16) not null default 'published'`,
    format: sql`format varchar(16) not null default 'html'`,
    source: sql`source text null`,
  },
  statements: [
    sql`create table if not exists blog_revisions (id integer generated by default as identity primary key, blog_id integer not null, author varchar(64) not null,
      title varchar(1024) not null, content text not null, source text null, format varchar(16) not null, kind varchar(16) not null, createtime bigint not null)`,
    sql`create index if not exists blog_revisions_blog_id_id on blog_revisions (blog_id, id)`,
  ],
  async createIndex(db) {
    await sql`create index if not exists blogs_drafts_author on blogs (author) where status = 'draft'`.execute(db);
  },
  async createTriggers(db) {
    await sql`create or replace function blog_counts_maintain() returns trigger language plpgsql as $$
        begin
          if tg_op = 'UPDATE' and old.author is not distinct from new.author and old.status is not distinct from new.status then
            return null;
          end if;
          if tg_op in ('UPDATE', 'DELETE') and old.status = 'published' then
            update blog_counts set n = n - 1 where author = old.author;
            update blog_total set n = n - 1 where id = 1;
          end if;
          if tg_op in ('UPDATE', 'INSERT') and new.status = 'published' then
            insert into blog_counts (author, n) values (new.author, 1) on conflict (author) do update set n = blog_counts.n + 1;
            update blog_total set n = n + 1 where id = 1;
          end if;
          return null;
        end $$`.execute(db);
    await sql`create or replace trigger blogs_count_insert after insert on blogs for each row execute function blog_counts_maintain()`.execute(db);
    await sql`create or replace trigger blogs_count_delete after delete on blogs for each row execute function blog_counts_maintain()`.execute(db);
    await sql`create or replace trigger blogs_count_author after update of author, status on blogs for each row execute function blog_counts_maintain()`.execute(db);
  },
  async dropTriggers(db) {
    // A PostgreSQL trigger belongs to its table; the function is replaced, not dropped.
    for (const name of countTriggers) await sql`drop trigger if exists ${sql.id(name)} on blogs`.execute(db);
  },
  async restoreCourseCounting(db) {
    await sql`create or replace function blog_counts_maintain() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' or (tg_op = 'UPDATE' and old.author is distinct from new.author) then
            insert into blog_counts (author, n) values (new.author, 1) on conflict (author) do update set n = blog_counts.n + 1;
          end if;
          if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.author is distinct from new.author) then
            update blog_counts set n = n - 1 where author = old.author;
          end if;
          if tg_op = 'INSERT' then
            update blog_total set n = n + 1 where id = 1;
          elsif tg_op = 'DELETE' then
            update blog_total set n = n - 1 where id = 1;
          end if;
          return null;
        end $$`.execute(db);
    await sql`create or replace trigger blogs_count_insert after insert on blogs for each row execute function blog_counts_maintain()`.execute(db);
    await sql`create or replace trigger blogs_count_delete after delete on blogs for each row execute function blog_counts_maintain()`.execute(db);
    await sql`create or replace trigger blogs_count_author after update of author on blogs for each row execute function blog_counts_maintain()`.execute(db);
  },
  dropIndex: sql`drop index if exists blogs_drafts_author`,
};

export const writing: PerDialect = {
  sqlite: migration(sqlite),
  mysql: migration(mysql),
  postgres: migration(postgres),
};
