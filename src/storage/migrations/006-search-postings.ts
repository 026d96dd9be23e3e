/**
 * Search postings that rank (docs/search.md): `blog_search_terms (term, blog_id)` becomes
 * `blog_search_postings (term, in_title, createtime, blog_id)`, keyed in that order, so a term's
 * posting list is already in the order of `search=` results (title hits, then newest) and a first
 * page reads about a page of postings. Per-term and per-gram counters (`blog_search_term_counts`,
 * `blog_title_gram_counts`) answer X-Total-Count without counting the matches. The secondary
 * `blog_id` indexes go: the application deletes a blog's old postings by the keys it recomputes
 * from the folded texts kept in `blog_search_docs` (which now also keeps the createtime), so the
 * triggers only queue a changed or deleted blog, and queries leave queued blogs to the fallback scan.
 * Every entry is dropped and every blog queued: the build runs afterwards in batches, as for 004.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { PerDialect } from './per-dialect.ts';

const triggers = ['blogs_search_insert', 'blogs_search_update', 'blogs_search_delete'];
const newTables = ['blog_search_postings', 'blog_search_term_counts', 'blog_title_gram_counts'];

interface PostingTables {
  /** Drops 004's triggers, its term table and its `blog_id` indexes. */
  dropOld: readonly RawBuilder<unknown>[];
  /** Creates the new tables, re-creates the entries' tables and queues every blog. */
  statements: readonly RawBuilder<unknown>[];
  createTriggers(db: Kysely<unknown>): Promise<void>;
  dropTriggers(db: Kysely<unknown>): Promise<void>;
  /** `down`: 004's tables as it shipped, every blog queued (after the new ones are dropped). */
  restore004: readonly RawBuilder<unknown>[];
  /** `down`: 004's triggers, which deleted a changed blog's entry themselves. */
  restore004Triggers(db: Kysely<unknown>): Promise<void>;
}

function migration(tables: PostingTables): Migration {
  return {
    async up(db) {
      // Each step may be re-run: MySQL DDL is not transactional.
      await tables.dropTriggers(db);
      for (const statement of tables.dropOld) await statement.execute(db);
      for (const statement of tables.statements) await statement.execute(db);
      await tables.createTriggers(db);
    },
    async down(db) {
      await tables.dropTriggers(db);
      for (const table of [...newTables, 'blog_search_docs', 'blog_title_grams']) await sql`drop table if exists ${sql.id(table)}`.execute(db);
      for (const statement of tables.restore004) await statement.execute(db);
      await tables.restore004Triggers(db);
    },
  };
}

async function dropTriggers(db: Kysely<unknown>): Promise<void> {
  for (const name of triggers) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
}

const sqlite: PostingTables = {
  dropOld: [
    sql`drop index if exists blog_title_grams_blog`,
    sql`drop index if exists blog_search_terms_blog`,
    sql`drop table if exists blog_search_terms`,
    sql`drop table if exists blog_search_docs`,
  ],
  statements: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, createtime integer not null, title_folded text not null, search_title text not null, search_body text not null)`,
    sql`create table if not exists blog_search_postings (term text not null, in_title integer not null, createtime integer not null, blog_id integer not null,
      primary key (term, in_title, createtime, blog_id)) without rowid`,
    sql`create table if not exists blog_search_term_counts (term text primary key, n integer not null) without rowid`,
    sql`create table if not exists blog_title_gram_counts (gram text primary key, n integer not null) without rowid`,
    sql`delete from blog_title_grams`,
    sql`delete from blog_search_postings`,
    sql`delete from blog_search_term_counts`,
    sql`delete from blog_title_gram_counts`,
    sql`insert or ignore into blog_search_pending (blog_id) select id from blogs`,
  ],
  async createTriggers(db) {
    await sql`create trigger if not exists blogs_search_insert after insert on blogs begin
        insert or ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger if not exists blogs_search_update after update of id, title, content, createtime on blogs begin
        insert or ignore into blog_search_pending (blog_id) values (old.id);
        insert or ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger if not exists blogs_search_delete after delete on blogs begin
        insert or ignore into blog_search_pending (blog_id) values (old.id);
      end`.execute(db);
  },
  dropTriggers,
  restore004: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, title_folded text not null, search_title text not null, search_body text not null)`,
    sql`create table if not exists blog_title_grams (gram text not null, blog_id integer not null, primary key (gram, blog_id)) without rowid`,
    sql`create index if not exists blog_title_grams_blog on blog_title_grams (blog_id)`,
    sql`create table if not exists blog_search_terms (term text not null, blog_id integer not null, primary key (term, blog_id)) without rowid`,
    sql`create index if not exists blog_search_terms_blog on blog_search_terms (blog_id)`,
    sql`insert or ignore into blog_search_pending (blog_id) select id from blogs`,
  ],
  async restore004Triggers(db) {
    await sql`create trigger if not exists blogs_search_insert after insert on blogs begin
        insert or ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    for (const [name, event, queue] of [['blogs_search_update', 'update of id, title, content', true], ['blogs_search_delete', 'delete', false]] as const) {
      await sql`create trigger if not exists ${sql.id(name)} after ${sql.raw(event)} on blogs begin
          delete from blog_search_docs where blog_id = old.id;
          delete from blog_title_grams where blog_id = old.id;
          delete from blog_search_terms where blog_id = old.id;
          delete from blog_search_pending where blog_id = old.id;
          ${queue ? sql`insert or ignore into blog_search_pending (blog_id) values (new.id);` : sql``}
        end`.execute(db);
    }
  },
};

// Terms and grams stay varbinary (see 004): utf8mb4_bin pads with spaces.
const mysql: PostingTables = {
  dropOld: [
    sql`drop table if exists blog_search_terms`,
    sql`drop table if exists blog_search_docs`,
  ],
  statements: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, createtime bigint not null, title_folded longtext not null, search_title longtext not null, search_body longtext not null)
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_search_postings (term varbinary(128) not null, in_title tinyint not null, createtime bigint not null, blog_id integer not null,
      primary key (term, in_title, createtime, blog_id)) default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_search_term_counts (term varbinary(128) primary key, n integer not null) default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_title_gram_counts (gram varbinary(8) primary key, n integer not null) default character set utf8mb4 collate utf8mb4_bin`,
    // MySQL has no DROP INDEX IF EXISTS before 8.0.29 / MariaDB 10.1.4: drop 004's index by rebuilding the table empty.
    sql`drop table if exists blog_title_grams`,
    sql`create table if not exists blog_title_grams (gram varbinary(8) not null, blog_id integer not null, primary key (gram, blog_id))
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`delete from blog_search_postings`,
    sql`delete from blog_search_term_counts`,
    sql`delete from blog_title_gram_counts`,
    sql`insert ignore into blog_search_pending (blog_id) select id from blogs`,
  ],
  async createTriggers(db) {
    await sql`create trigger blogs_search_insert after insert on blogs for each row begin
        insert ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger blogs_search_update after update on blogs for each row begin
        if not (old.id <=> new.id and old.title <=> new.title and old.content <=> new.content and old.createtime <=> new.createtime) then
          insert ignore into blog_search_pending (blog_id) values (old.id);
          insert ignore into blog_search_pending (blog_id) values (new.id);
        end if;
      end`.execute(db);
    await sql`create trigger blogs_search_delete after delete on blogs for each row begin
        insert ignore into blog_search_pending (blog_id) values (old.id);
      end`.execute(db);
  },
  dropTriggers,
  restore004: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, title_folded longtext not null, search_title longtext not null, search_body longtext not null)
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_title_grams (gram varbinary(8) not null, blog_id integer not null, primary key (gram, blog_id), key blog_title_grams_blog (blog_id))
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`create table if not exists blog_search_terms (term varbinary(128) not null, blog_id integer not null, primary key (term, blog_id), key blog_search_terms_blog (blog_id))
      default character set utf8mb4 collate utf8mb4_bin`,
    sql`insert ignore into blog_search_pending (blog_id) select id from blogs`,
  ],
  async restore004Triggers(db) {
    const forget = sql`delete from blog_search_docs where blog_id = old.id;
      delete from blog_title_grams where blog_id = old.id;
      delete from blog_search_terms where blog_id = old.id;
      delete from blog_search_pending where blog_id = old.id;`;
    await sql`create trigger blogs_search_insert after insert on blogs for each row begin
        insert ignore into blog_search_pending (blog_id) values (new.id);
      end`.execute(db);
    await sql`create trigger blogs_search_update after update on blogs for each row begin
        if not (old.id <=> new.id and old.title <=> new.title and old.content <=> new.content) then
          ${forget}
          insert ignore into blog_search_pending (blog_id) values (new.id);
        end if;
      end`.execute(db);
    await sql`create trigger blogs_search_delete after delete on blogs for each row begin ${forget} end`.execute(db);
  },
};

const postgres: PostingTables = {
  dropOld: [
    sql`drop index if exists blog_title_grams_blog`,
    sql`drop table if exists blog_search_terms`,
    sql`drop table if exists blog_search_docs`,
  ],
  statements: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, createtime bigint not null, title_folded text not null, search_title text not null, search_body text not null)`,
    sql`create table if not exists blog_search_postings (term text not null, in_title smallint not null, createtime bigint not null, blog_id integer not null,
      primary key (term, in_title, createtime, blog_id))`,
    sql`create table if not exists blog_search_term_counts (term text primary key, n integer not null)`,
    sql`create table if not exists blog_title_gram_counts (gram text primary key, n integer not null)`,
    sql`delete from blog_title_grams`,
    sql`delete from blog_search_postings`,
    sql`delete from blog_search_term_counts`,
    sql`delete from blog_title_gram_counts`,
    sql`insert into blog_search_pending (blog_id) select id from blogs on conflict do nothing`,
  ],
  async createTriggers(db) {
    await sql`create or replace function blog_search_forget() returns trigger language plpgsql as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') then
            insert into blog_search_pending (blog_id) values (old.id) on conflict do nothing;
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            insert into blog_search_pending (blog_id) values (new.id) on conflict do nothing;
          end if;
          return null;
        end $$`.execute(db);
    await sql`create or replace trigger blogs_search_insert after insert on blogs for each row execute function blog_search_forget()`.execute(db);
    await sql`create or replace trigger blogs_search_update after update of id, title, content, createtime on blogs for each row
      when (old.id is distinct from new.id or old.title is distinct from new.title or old.content is distinct from new.content or old.createtime is distinct from new.createtime)
      execute function blog_search_forget()`.execute(db);
    await sql`create or replace trigger blogs_search_delete after delete on blogs for each row execute function blog_search_forget()`.execute(db);
  },
  async dropTriggers(db) {
    // The function stays: 004's `down` drops it, and `create or replace` above replaces it.
    for (const name of triggers) await sql`drop trigger if exists ${sql.id(name)} on blogs`.execute(db);
  },
  restore004: [
    sql`create table if not exists blog_search_docs (blog_id integer primary key, title_folded text not null, search_title text not null, search_body text not null)`,
    sql`create table if not exists blog_title_grams (gram text not null, blog_id integer not null, primary key (gram, blog_id))`,
    sql`create index if not exists blog_title_grams_blog on blog_title_grams (blog_id)`,
    sql`create table if not exists blog_search_terms (term text not null, blog_id integer not null, primary key (term, blog_id))`,
    sql`create index if not exists blog_search_terms_blog on blog_search_terms (blog_id)`,
    sql`insert into blog_search_pending (blog_id) select id from blogs on conflict do nothing`,
  ],
  async restore004Triggers(db) {
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
};

export const searchPostings: PerDialect = {
  sqlite: migration(sqlite),
  mysql: migration(mysql),
  postgres: migration(postgres),
};
