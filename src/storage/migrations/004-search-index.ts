/**
 * The search index (docs/search.md): per blog its folded texts (`blog_search_docs`), the 1- and
 * 2-grams of its folded title (`blog_title_grams`, for `keyword=`), the words and CJK bigrams of its
 * plain title and content (`blog_search_terms`, for `search=`), and the queue of blogs whose entry
 * is missing or stale (`blog_search_pending`). The application computes every entry (one fold, one
 * segmentation for all databases); triggers only drop a changed or deleted blog's entry and queue
 * it, in the writing transaction, so an entry is never stale, whoever writes `blogs`. This migration
 * queues every existing blog and builds nothing: the build runs afterwards in batches
 * (src/storage/search-index.ts), so no write lock is held for the whole of a large blog.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { PerDialect } from './per-dialect.ts';

const indexTables = ['blog_search_docs', 'blog_title_grams', 'blog_search_terms', 'blog_search_pending'];
const triggers = ['blogs_search_insert', 'blogs_search_update', 'blogs_search_delete'];

interface SearchTables {
  statements: readonly RawBuilder<unknown>[];
  createTriggers(db: Kysely<unknown>): Promise<void>;
  dropTriggers(db: Kysely<unknown>): Promise<void>;
}

function migration(tables: SearchTables): Migration {
  return {
    async up(db) {
      // Each step may be re-run: MySQL DDL is not transactional.
      for (const statement of tables.statements) await statement.execute(db);
      await tables.createTriggers(db);
    },
    async down(db) {
      await tables.dropTriggers(db);
      for (const table of indexTables) await sql`drop table if exists ${sql.id(table)}`.execute(db);
    },
  };
}

async function dropTriggers(db: Kysely<unknown>): Promise<void> {
  for (const name of triggers) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
}

const sqlite: SearchTables = {
  statements: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, title_folded text not null, search_title text not null, search_body text not null)`,
    sql`create table if not exists blog_title_grams (gram text not null, blog_id integer not null, primary key (gram, blog_id)) without rowid`,
    sql`create index if not exists blog_title_grams_blog on blog_title_grams (blog_id)`,
    sql`create table if not exists blog_search_terms (term text not null, blog_id integer not null, primary key (term, blog_id)) without rowid`,
    sql`create index if not exists blog_search_terms_blog on blog_search_terms (blog_id)`,
    sql`create table if not exists blog_search_pending (blog_id integer primary key)`,
    sql`insert or ignore into blog_search_pending (blog_id) select id from blogs`,
  ],
  async createTriggers(db) {
    await sql`create trigger if not exists blogs_search_insert after insert on blogs begin
        insert or ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger if not exists blogs_search_update after update of id, title, content on blogs begin
        delete from blog_search_docs where blog_id = old.id;
        delete from blog_title_grams where blog_id = old.id;
        delete from blog_search_terms where blog_id = old.id;
        delete from blog_search_pending where blog_id = old.id;
        insert or ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger if not exists blogs_search_delete after delete on blogs begin
        delete from blog_search_docs where blog_id = old.id;
        delete from blog_title_grams where blog_id = old.id;
        delete from blog_search_terms where blog_id = old.id;
        delete from blog_search_pending where blog_id = old.id;
      end`.execute(db);
  },
  dropTriggers,
};

// Grams and terms are varbinary: utf8mb4_bin pads with spaces, so 'a ' would equal 'a' in a key.
const mysql: SearchTables = {
  statements: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, title_folded longtext not null, search_title longtext not null, search_body longtext not null)
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_title_grams (gram varbinary(8) not null, blog_id integer not null, primary key (gram, blog_id), key blog_title_grams_blog (blog_id))
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_search_terms (term varbinary(128) not null, blog_id integer not null, primary key (term, blog_id), key blog_search_terms_blog (blog_id))
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_search_pending (blog_id integer primary key) default character set utf8mb4 collate utf8mb4_bin`,
    sql`insert ignore into blog_search_pending (blog_id) select id from blogs`,
  ],
  async createTriggers(db) {
    // MySQL 8.0 before 8.0.29 has no CREATE TRIGGER IF NOT EXISTS: drop first, so a re-run succeeds.
    await dropTriggers(db);
    await sql`create trigger blogs_search_insert after insert on blogs for each row begin
        insert ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger blogs_search_update after update on blogs for each row begin
        if not (old.id <=> new.id and old.title <=> new.title and old.content <=> new.content) then
          delete from blog_search_docs where blog_id = old.id;
          delete from blog_title_grams where blog_id = old.id;
          delete from blog_search_terms where blog_id = old.id;
          delete from blog_search_pending where blog_id = old.id;
          insert ignore into blog_search_pending (blog_id) values (new.id);
        end if;
      end`.execute(db);
    await sql`create trigger blogs_search_delete after delete on blogs for each row begin
        delete from blog_search_docs where blog_id = old.id;
        delete from blog_title_grams where blog_id = old.id;
        delete from blog_search_terms where blog_id = old.id;
        delete from blog_search_pending where blog_id = old.id;
      end`.execute(db);
  },
  dropTriggers,
};

const postgres: SearchTables = {
  statements: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, title_folded text not null, search_title text not null, search_body text not null)`,
    sql`create table if not exists blog_title_grams (gram text not null, blog_id integer not null, primary key (gram, blog_id))`,
    sql`create index if not exists blog_title_grams_blog on blog_title_grams (blog_id)`,
    sql`create table if not exists blog_search_terms (term text not null, blog_id integer not null, primary key (term, blog_id))`,
    sql`create index if not exists blog_search_terms_blog on blog_search_terms (blog_id)`,
    sql`create table if not exists blog_search_pending (blog_id integer primary key)`,
    sql`insert into blog_search_pending (blog_id) select id from blogs on conflict do nothing`,
  ],
  async createTriggers(db) {
    await sql`create or replace function blog_search_forget() returns trigger language plpgsql as $$
        begin
          if tg_op = 'UPDATE' and old.id = new.id and old.title = new.title and old.content = new.content then
            return null;
          end if;
          if tg_op in ('UPDATE', 'DELETE') then
            delete from blog_search_docs where blog_id = old.id;
            delete from blog_title_grams where blog_id = old.id;
            delete from blog_search_terms where blog_id = old.id;
            delete from blog_search_pending where blog_id = old.id;
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            insert into blog_search_pending (blog_id) values (new.id) on conflict do nothing;
          end if;
          return null;
        end $$`.execute(db);
    await sql`create or replace trigger blogs_search_insert after insert on blogs for each row execute function blog_search_forget()`.execute(db);
    await sql`create or replace trigger blogs_search_update after update of id, title, content on blogs for each row execute function blog_search_forget()`.execute(db);
    await sql`create or replace trigger blogs_search_delete after delete on blogs for each row execute function blog_search_forget()`.execute(db);
  },
  async dropTriggers(db) {
    for (const name of triggers) await sql`drop trigger if exists ${sql.id(name)} on blogs`.execute(db);
    await sql`drop function if exists blog_search_forget()`.execute(db);
  },
};

export const searchIndex: PerDialect = {
  sqlite: migration(sqlite),
  mysql: migration(mysql),
  postgres: migration(postgres),
};
