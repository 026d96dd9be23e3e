/**
 * Counts of blogs, per author and in all, kept by triggers: the list's `X-Total-Count` then reads one
 * row instead of counting 100 000, and stays right even when another program writes `blogs`.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { PerDialect } from './per-dialect.ts';

const triggers = ['blogs_count_insert', 'blogs_count_delete', 'blogs_count_author'];

interface CountTables {
  /** CREATE TABLE IF NOT EXISTS of `blog_counts` and `blog_total`. */
  tables: readonly RawBuilder<unknown>[];
  createTriggers(db: Kysely<unknown>): Promise<void>;
  dropTriggers(db: Kysely<unknown>): Promise<void>;
}

function migration(counts: CountTables): Migration {
  return {
    async up(db) {
      for (const table of counts.tables) await table.execute(db);
      // Recount from scratch, then keep counting: safe to re-run after a partial MySQL migration.
      await counts.dropTriggers(db);
      await sql`delete from ${sql.id('blog_counts')}`.execute(db);
      await sql`delete from ${sql.id('blog_total')}`.execute(db);
      await sql`insert into blog_counts (author, n) select author, count(*) from blogs group by author`.execute(db);
      await sql`insert into blog_total (id, n) select 1, count(*) from blogs`.execute(db);
      await counts.createTriggers(db);
    },
    async down(db) {
      await counts.dropTriggers(db);
      await sql`drop table if exists ${sql.id('blog_total')}`.execute(db);
      await sql`drop table if exists ${sql.id('blog_counts')}`.execute(db);
    },
  };
}

async function dropTriggers(db: Kysely<unknown>): Promise<void> {
  for (const name of triggers) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
}

const sqlite: CountTables = {
  // As Kysely's schema builder wrote them when this shipped: SQLite keeps the text of a CREATE.
  tables: [
    sql`create table if not exists "blog_counts" ("author" varchar(64) primary key, "n" bigint not null)`,
    sql`create table if not exists "blog_total" ("id" integer primary key, "n" bigint not null)`,
  ],
  async createTriggers(db) {
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
  dropTriggers,
};

const mysql: CountTables = {
  // utf8mb4 with the binary collation, whatever the database's default (see dialects/mysql.ts).
  tables: [
    sql`create table if not exists blog_counts (author varchar(64) primary key, n bigint not null) default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_total (id integer primary key, n bigint not null) default character set utf8mb4 collate utf8mb4_bin`,
  ],
  async createTriggers(db) {
    // MySQL 8.0 before 8.0.29 has no CREATE TRIGGER IF NOT EXISTS: drop first, so a re-run succeeds.
    await dropTriggers(db);
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
  dropTriggers,
};

const postgres: CountTables = {
  tables: [
    sql`create table if not exists blog_counts (author varchar(64) primary key, n bigint not null)`,
    sql`create table if not exists blog_total (id integer primary key, n bigint not null)`,
  ],
  async createTriggers(db) {
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
  async dropTriggers(db) {
    // A PostgreSQL trigger belongs to its table.
    for (const name of triggers) await sql`drop trigger if exists ${sql.id(name)} on blogs`.execute(db);
    await sql`drop function if exists blog_counts_maintain()`.execute(db);
  },
};

export const blogCounts: PerDialect = {
  sqlite: migration(sqlite),
  mysql: migration(mysql),
  postgres: migration(postgres),
};
