/**
 * The schema as Kysely sees it: the course's `users` and `blogs` tables (names and columns kept),
 * plus what blog-server adds. Migrations in `migrations/` are the only way it changes.
 */
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { BlogFormat, BlogStatus, RevisionKind } from '../core/ports.ts';

/** Integers that a driver may hand back as strings (pg int8) or bigints; `toBlog` makes them numbers. */
type Int8 = ColumnType<number, number, number>;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** `$scrypt$…` or, in a course-made database until the user's next login, an md5 hex digest. */
  password: string;
  realname: string;
}

export interface BlogsTable {
  id: Generated<number>;
  title: string;
  content: string;
  /** Milliseconds since the epoch, as the course stores it. */
  createtime: Int8;
  /** The author's username, as in the course (no foreign key: course data may not have one). */
  author: string;
  /** Added by blog-server: the last update, ms since the epoch; null when never updated. */
  updatetime: ColumnType<number | null, number | null | undefined, number | null>;
  /** Added by blog-server (issue 17): 'published' or 'draft'; a course client's insert gets 'published'. */
  status: ColumnType<BlogStatus, BlogStatus | undefined, BlogStatus>;
  /** 'html' or 'markdown': how `content` was made. */
  format: ColumnType<BlogFormat, BlogFormat | undefined, BlogFormat>;
  /** The Markdown text of a Markdown post; null for HTML. */
  source: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An earlier version of a blog, kept by every save (src/core/blog-service.ts, docs/API.md). */
export interface BlogRevisionsTable {
  id: Generated<number>;
  blog_id: number;
  author: string;
  title: string;
  content: string;
  source: string | null;
  format: BlogFormat;
  kind: RevisionKind;
  /** When the revision was stored, ms since the epoch. */
  createtime: Int8;
}

/** Blogs per author, kept by triggers so that the list's `X-Total-Count` costs one row read. */
export interface BlogCountsTable {
  author: string;
  n: Int8;
}

/** One row (id 1) holding the number of blogs, kept by the same triggers. */
export interface BlogTotalTable {
  id: number;
  n: Int8;
}

/** A blog's entry in the search index, filled by the application (src/storage/search-index.ts). */
export interface BlogSearchDocsTable {
  blog_id: number;
  /** The blog's createtime when indexed: part of its postings' keys. */
  createtime: Int8;
  /** The folded title as stored, markup included: what `keyword=` matches. */
  title_folded: string;
  /** The folded plain text of the title and of the content: what `search=` matches. */
  search_title: string;
  search_body: string;
}

export interface BlogTitleGramsTable {
  gram: string;
  blog_id: number;
}

/** One term of one blog, keyed (term, in_title, createtime, blog_id): a posting list in result order. */
export interface BlogSearchPostingsTable {
  term: string;
  /** 1 when the folded title as stored contains the term: a title hit ranks first. */
  in_title: number;
  createtime: Int8;
  blog_id: number;
}

/** Indexed blogs per term (postings), and per title gram: X-Total-Count without counting matches. */
export interface BlogSearchTermCountsTable {
  term: string;
  n: Int8;
}

export interface BlogTitleGramCountsTable {
  gram: string;
  n: Int8;
}

/** Blogs whose index entry is missing: queued by triggers, emptied by the build. */
export interface BlogSearchPendingTable {
  blog_id: number;
}

export interface Database {
  users: UsersTable;
  blogs: BlogsTable;
  blog_counts: BlogCountsTable;
  blog_total: BlogTotalTable;
  blog_search_docs: BlogSearchDocsTable;
  blog_title_grams: BlogTitleGramsTable;
  blog_search_postings: BlogSearchPostingsTable;
  blog_search_term_counts: BlogSearchTermCountsTable;
  blog_title_gram_counts: BlogTitleGramCountsTable;
  blog_search_pending: BlogSearchPendingTable;
  blog_revisions: BlogRevisionsTable;
}

export type BlogRow = Selectable<BlogsTable>;
export type BlogRevisionRow = Selectable<BlogRevisionsTable>;
export type BlogDatabase = Kysely<Database>;
