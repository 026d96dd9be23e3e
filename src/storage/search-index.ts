/**
 * The search index behind `keyword=` and `search=` (docs/search.md): entries the application
 * computes (src/core/search-text.ts), and queries that look up grams or terms first and then check
 * the candidates exactly. A write only queues its blog (the triggers, in the write's own
 * transaction); the entries are built right after the answer, in batches — a blog's terms are a few
 * hundred rows at random places in large B-trees, and many blogs in one transaction share the pages
 * they dirty (the write alone costs a twentieth of writing its entry inline, the batched entries
 * half to two thirds: docs/benchmark.md). While blogs are queued (just written, an old database,
 * rows another program wrote), the queued ones are scanned and checked in JS beside the index's
 * answer, so answers are exact at every moment.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { BlogFilter } from '../core/ports.ts';
import { fold, isOwnGram, isSingleTerm, keywordGrams, parseSearch, plainText, textTerms, titleGrams, type SearchQuery } from '../core/search-text.ts';
import type { BlogRow, Database } from './database.ts';
import type { DialectName, StorageDialect } from './dialects/dialect.ts';
import { DatabaseUnavailableError } from './dialects/network.ts';

/** Called after each batch of a build: blogs indexed so far, and how many were queued at the start. */
export type SearchProgress = (done: number, total: number) => void;

export interface BuildOptions {
  /** Blogs per transaction (default 200): more is faster, but holds the write lock longer. */
  batchSize?: number;
}

export interface SearchIndex {
  /** Indexes every queued blog, a batch per transaction; resolves how many it indexed. */
  buildPending(progress?: SearchProgress, options?: BuildOptions): Promise<number>;
  /** Queues every blog, then builds: what to call after a restore or a copy of the database. */
  rebuild(progress?: SearchProgress): Promise<number>;
  /** Blogs whose entry is missing now. */
  pendingCount(): Promise<number>;
  /** Runs `buildPending` in the background until the queue is empty; a failure goes to `onError`. */
  startBuilding(onError: (error: unknown) => void): void;
  /** Waits for a background build to stop after its current batch. */
  stop(): Promise<void>;
}

export interface Matches {
  rows: BlogRow[];
  total: number;
}

/** Blogs per build transaction: short enough that writers wait well under a second between batches. */
const batchSize = 200;
/**
 * Blogs per transaction of the server's own build after writes: writes wait for the index's
 * connection meanwhile (SQLite has one), so a batch stays around a tenth of a second.
 */
const backgroundBatchSize = 50;
/** A keyword gram held by at most this many blogs drives its query (`gramCounts`); past it, a page may walk the blogs. */
export const rareGramBlogs = 1_000;
/**
 * Blogs a keyword page's walk may pass for each blog of the gram list it avoids: a listed blog is read
 * and sorted whole, a walked one probed by key (5–8 times cheaper on SQLite and MariaDB at 100k posts).
 */
const walkedPerListed = 4;
/** How soon the background build tries again after the database was unavailable. */
const unavailableRetryMs = 5_000;
/** Attempts of one batch before the build gives up (the queue stays; answers stay right). */
const maxBatchAttempts = 3;
/** Rows per INSERT: below every database's limit on bound parameters. */
const insertChunk = 2_000;
/** Queued blogs read per round of the fallback scan. */
const scanChunk = 1_000;

type Db = Kysely<Database>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** What `blog_search_docs` keeps of a blog: the postings' keys are recomputed from it to delete them. */
interface StoredEntry {
  createtime: number;
  titleFolded: string;
  searchTitle: string;
  searchBody: string;
}

function entryOf(title: string, content: string, createtime: number): StoredEntry {
  return { createtime, titleFolded: fold(title), searchTitle: fold(plainText(title)), searchBody: fold(plainText(content)) };
}

/**
 * The index keys of an entry: its title grams, and its terms each with whether the folded title as
 * stored contains it — the rank of a one-term `search=` (the same test as `hitsOf`).
 */
function keysOf(entry: StoredEntry): { grams: string[]; terms: { term: string; inTitle: 0 | 1 }[] } {
  const terms = new Set([...textTerms(entry.searchTitle), ...textTerms(entry.searchBody)]);
  return {
    grams: titleGrams(entry.titleFolded),
    terms: [...terms].map((term) => ({ term, inTitle: entry.titleFolded.includes(term) ? 1 : 0 })),
  };
}

type CountTable = 'blog_search_term_counts' | 'blog_title_gram_counts';

/** Adds `deltas` to the counters, in one order for every writer (no deadlock between two batches). */
async function addCounts(trx: Transaction<Database>, dialect: DialectName, table: CountTable, deltas: ReadonlyMap<string, number>): Promise<void> {
  const column = table === 'blog_search_term_counts' ? 'term' : 'gram';
  const rows = [...deltas].filter(([, delta]) => delta !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const part of chunks(rows, 500)) {
    const insert = trx.insertInto(table).values(part.map(([value, n]) => ({ [column]: value, n }) as never));
    if (dialect === 'mysql') await insert.onDuplicateKeyUpdate({ n: sql`n + values(n)` }).execute();
    else await insert.onConflict((conflict) => conflict.column(column).doUpdateSet({ n: sql`${sql.ref(`${table}.n`)} + excluded.n` })).execute();
  }
}

type PostingRow = readonly [term: string, inTitle: 0 | 1, createtime: number, blogId: number];

/** Writes postings as each database takes many rows fastest: PostgreSQL four arrays unnested, the others multi-row inserts. */
async function insertPostings(trx: Transaction<Database>, dialect: DialectName, rows: readonly PostingRow[]): Promise<void> {
  if (dialect === 'postgres') {
    for (const part of chunks(rows, 20_000)) {
      await sql`insert into blog_search_postings (term, in_title, createtime, blog_id)
        select * from unnest(${part.map((row) => row[0])}::text[], ${part.map((row) => row[1])}::smallint[],
          ${part.map((row) => row[2])}::bigint[], ${part.map((row) => row[3])}::integer[])`.execute(trx);
    }
    return;
  }
  // SQLite reuses the prepared statement of a full chunk (the dialect's statement cache).
  for (const part of chunks(rows, dialect === 'sqlite' ? 200 : insertChunk)) {
    await trx.insertInto('blog_search_postings').values(part.map(([term, inTitle, createtime, blogId]) => ({ term, in_title: inTitle, createtime, blog_id: blogId }))).execute();
  }
}

function bump(deltas: Map<string, number>, key: string, by: number): void {
  deltas.set(key, (deltas.get(key) ?? 0) + by);
}

/**
 * (Re)writes the entries of `ids` from their current rows and takes them off the queue: the old
 * postings and grams are deleted by the keys recomputed from the stored entry (no `blog_id` index),
 * the counters follow. Runs inside the caller's transaction: the blog's own write, or a build batch.
 */
export function blogIndexer(storageDialect: StorageDialect): (trx: Transaction<Database>, ids: readonly number[]) => Promise<void> {
  const dialect = storageDialect.name;
  return async (trx, ids) => {
    if (ids.length === 0) return;
    const termDeltas = new Map<string, number>();
    const gramDeltas = new Map<string, number>();
    const old = await trx.selectFrom('blog_search_docs').select(['blog_id', 'createtime', 'title_folded', 'search_title', 'search_body']).where('blog_id', 'in', ids).execute();
    for (const doc of old) {
      const id = Number(doc.blog_id);
      const createtime = Number(doc.createtime);
      const { grams, terms } = keysOf({ createtime, titleFolded: doc.title_folded, searchTitle: doc.search_title, searchBody: doc.search_body });
      for (const inTitle of [0, 1] as const) {
        const these = terms.filter((entry) => entry.inTitle === inTitle).map((entry) => entry.term);
        for (const part of chunks(these, 500)) {
          await trx.deleteFrom('blog_search_postings').where('in_title', '=', inTitle).where('createtime', '=', createtime).where('blog_id', '=', id).where('term', 'in', part).execute();
        }
      }
      for (const part of chunks(grams, 500)) await trx.deleteFrom('blog_title_grams').where('blog_id', '=', id).where('gram', 'in', part).execute();
      for (const { term } of terms) bump(termDeltas, term, -1);
      for (const gram of grams) bump(gramDeltas, gram, -1);
    }
    if (old.length > 0) await trx.deleteFrom('blog_search_docs').where('blog_id', 'in', ids).execute();
    const rows = await trx.selectFrom('blogs').select(['id', 'title', 'content', 'createtime']).where('id', 'in', ids).execute();
    const docs = [];
    const grams: [string, number][] = [];
    const postings: PostingRow[] = [];
    for (const row of rows) {
      const id = Number(row.id);
      const entry = entryOf(row.title, row.content, Number(row.createtime));
      docs.push({ blog_id: id, createtime: entry.createtime, title_folded: entry.titleFolded, search_title: entry.searchTitle, search_body: entry.searchBody });
      const keys = keysOf(entry);
      for (const gram of keys.grams) {
        grams.push([gram, id]);
        bump(gramDeltas, gram, 1);
      }
      for (const { term, inTitle } of keys.terms) {
        postings.push([term, inTitle, entry.createtime, id]);
        bump(termDeltas, term, 1);
      }
    }
    for (const part of chunks(docs, 200)) await trx.insertInto('blog_search_docs').values(part).execute();
    for (const part of chunks(grams, dialect === 'sqlite' ? 400 : insertChunk)) {
      await trx.insertInto('blog_title_grams').values(part.map(([gram, blogId]) => ({ gram, blog_id: blogId }))).execute();
    }
    await insertPostings(trx, dialect, postings);
    await addCounts(trx, dialect, 'blog_search_term_counts', termDeltas);
    await addCounts(trx, dialect, 'blog_title_gram_counts', gramDeltas);
    await trx.deleteFrom('blog_search_pending').where('blog_id', 'in', ids).execute();
  };
}

/**
 * Takes up to `limit` queued blogs off the queue for this transaction; rows another builder holds are
 * skipped (PostgreSQL, MariaDB), and SQLite's first write takes the one write lock.
 */
async function claimPending(trx: Transaction<Database>, dialect: DialectName, limit: number): Promise<number[]> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ blog_id: number }>`delete from blog_search_pending where blog_id in
      (select blog_id from blog_search_pending order by blog_id limit ${limit}) returning blog_id`.execute(trx);
    return rows.map((row) => Number(row.blog_id));
  }
  // Claimed by deleting: a write that queues one of them meanwhile waits for this batch and queues it
  // anew. A row only locked would stay visible, its trigger's `on conflict do nothing` would not
  // wait, and the batch would index the text before the write and drop the write's queue entry.
  // (InnoDB's `insert ignore` waits for the lock, then inserts once the batch deleted the row.)
  if (dialect === 'postgres') {
    const { rows } = await sql<{ blog_id: number }>`delete from blog_search_pending where blog_id in
      (select blog_id from blog_search_pending order by blog_id limit ${limit} for update skip locked) returning blog_id`.execute(trx);
    return rows.map((row) => Number(row.blog_id));
  }
  const { rows } = await sql<{ blog_id: number }>`select blog_id from blog_search_pending order by blog_id limit ${limit} for update skip locked`.execute(trx);
  return rows.map((row) => Number(row.blog_id));
}

/** `column` contains `value`, exactly (both already folded). */
function contains(dialect: DialectName, column: string, value: string): RawBuilder<boolean> {
  const ref = sql.ref(column);
  if (dialect === 'mysql') return sql<boolean>`locate(${value}, ${ref}) > 0`;
  if (dialect === 'postgres') return sql<boolean>`strpos(${ref}, ${value}) > 0`;
  return sql<boolean>`instr(${ref}, ${value}) > 0`;
}

interface Plan {
  author?: string;
  keyword?: string;
  search?: SearchQuery;
  visibleAt?: number;
  status?: NonNullable<BlogFilter['status']>;
  /** A keyword gram held by few blogs, whose list drives the query (`gramCounts`). */
  rareGram?: string;
  /** A keyword page walks the blogs newest first, probing their grams (`walkIsShorter`). */
  walk?: boolean;
}

/**
 * What a query of the index is for: a `page` in createtime order, or the `count` of every match. A
 * keyword page whose grams are all common walks the blogs newest first and probes each one's grams
 * (its matches are near); a count, or another page, reads a gram's list whole.
 */
type Use = 'page' | 'count';

/**
 * Whether a page that ends `reach` matches in finds them sooner walking the `blogs` newest first than
 * reading the list of a gram `held` blogs hold: the walk passes about reach × blogs ÷ held of them
 * (ten matches of a gram in one title in ten: a hundred blogs), the list is `held` long, and each
 * of its blogs is read and sorted whole — `walkedPerListed` times what the walk spends on one.
 */
function walkIsShorter(held: number, reach: number, blogs: number): boolean {
  return reach * blogs < walkedPerListed * held * held;
}

/** Whether a blog passes the plan's visibility and status filters (JS twin of `blogConditions`). */
function visibleInJs(plan: Plan, row: { status: string; createtime: number }): boolean {
  if (plan.visibleAt !== undefined && !(row.status === 'published' && row.createtime <= plan.visibleAt)) return false;
  if (!plan.status) return true;
  const { state, at } = plan.status;
  if (state === 'draft') return row.status === 'draft';
  return row.status === 'published' && (state === 'scheduled' ? row.createtime > at : row.createtime <= at);
}

/**
 * A column of `blogs b` that only filters: on SQLite a unary `+`, so that the planner never drives
 * the query from a `blogs` index on it (SQLite has no statistics here, and would read every public
 * post in createtime order rather than the few in a posting list). PostgreSQL and MariaDB plan from
 * their statistics; an opaque expression there makes `blogs` look tiny and is worse. A page that
 * walks the blogs (`Plan.walk`) walks an author's by their index.
 */
function filterOnly(dialect: DialectName, column: 'author' | 'status' | 'createtime', walking: boolean): RawBuilder<unknown> {
  const ref = sql.ref(`b.${column}`);
  return dialect === 'sqlite' && !(walking && column === 'author') ? sql`+${ref}` : ref;
}

/** The plan's author, visibility and status filters on `blogs b`: the posting lists find the rows, or the walk's index. */
function blogConditions(dialect: DialectName, plan: Plan, walking = false): RawBuilder<boolean>[] {
  const [author, status, createtime] = (['author', 'status', 'createtime'] as const).map((column) => filterOnly(dialect, column, walking));
  const out: RawBuilder<boolean>[] = [];
  if (plan.author !== undefined) out.push(sql<boolean>`${author} = ${plan.author}`);
  if (plan.visibleAt !== undefined) out.push(sql<boolean>`${status} = 'published' and ${createtime} <= ${plan.visibleAt}`);
  if (plan.status) {
    const { state, at } = plan.status;
    out.push(state === 'draft' ? sql<boolean>`${status} = 'draft'`
      : state === 'scheduled' ? sql<boolean>`${status} = 'published' and ${createtime} > ${at}`
        : sql<boolean>`${status} = 'published' and ${createtime} <= ${at}`);
  }
  return out;
}

/** The term of a `search=` that is one piece and one index term: answered from its posting list alone. */
function rankedTerm(plan: Plan): string | undefined {
  if (!plan.search || plan.keyword !== undefined) return undefined;
  const { pieces, terms } = plan.search;
  const [piece] = pieces;
  return piece !== undefined && pieces.length === 1 && terms.length === 1 && terms[0] === piece && isSingleTerm(piece) ? piece : undefined;
}

function planOf(filter: BlogFilter): Plan {
  return {
    ...(filter.author !== undefined ? { author: filter.author } : {}),
    ...(filter.keyword !== undefined ? { keyword: fold(filter.keyword) } : {}),
    ...(filter.search !== undefined ? { search: parseSearch(filter.search) } : {}),
    ...(filter.visibleAt !== undefined ? { visibleAt: filter.visibleAt } : {}),
    ...(filter.status !== undefined ? { status: filter.status } : {}),
  };
}

/** The same test as the SQL of `conditions`, on one blog in JS: for blogs still queued. */
function matchesInJs(plan: Plan, row: { title: string; content: string; author: string; status: string; createtime: number }): { hits: number } | undefined {
  if (plan.author !== undefined && row.author !== plan.author) return undefined;
  if (!visibleInJs(plan, row)) return undefined;
  if (plan.keyword !== undefined && !fold(row.title).includes(plan.keyword)) return undefined;
  if (!plan.search) return { hits: 0 };
  const searchTitle = fold(plainText(row.title));
  const searchBody = fold(plainText(row.content));
  const terms = new Set([...textTerms(searchTitle), ...textTerms(searchBody)]);
  if (!plan.search.terms.every((term) => terms.has(term))) return undefined;
  if (!plan.search.pieces.every((piece) => searchTitle.includes(piece) || searchBody.includes(piece))) return undefined;
  const storedTitle = fold(row.title);
  return { hits: plan.search.pieces.filter((piece) => storedTitle.includes(piece)).length };
}

const blogColumns = ['b.id', 'b.title', 'b.content', 'b.createtime', 'b.author', 'b.updatetime', 'b.status', 'b.format', 'b.source'] as const;

export function searchIndex(db: Db, storageDialect: StorageDialect) {
  const dialect = storageDialect.name;
  const indexBlogs = blogIndexer(storageDialect);
  /** Whether blog `b` holds `gram`: one probe by key, as a scalar subquery that no planner reads whole. */
  const holdsGram = (gram: string) => sql<boolean>`(select 1 from blog_title_grams g where g.gram = ${gram} and g.blog_id = ${sql.ref('b.id')} limit 1) is not null`;

  /** The list of `gram`, read whole: it finds the blogs. */
  function gramList(gram: string, plan: Plan): RawBuilder<boolean> {
    // The rare gram's list, read first as an array, makes PostgreSQL look up its few blogs by id;
    // as `in (…)` it walks every blog newest first and probes the list per blog (789 ms at 100k).
    return dialect === 'postgres' && gram === plan.rareGram
      ? sql<boolean>`${sql.ref('b.id')} = any(array(select blog_id from blog_title_grams where gram = ${gram}))`
      : sql<boolean>`${sql.ref('b.id')} in (select blog_id from blog_title_grams where gram = ${gram})`;
  }

  function conditions(plan: Plan, use: Use): RawBuilder<boolean>[] {
    const walking = use === 'page' && plan.walk === true;
    const out: RawBuilder<boolean>[] = [];
    out.push(...blogConditions(dialect, plan, walking));
    if (plan.keyword !== undefined) {
      // A page that walks probes every gram per blog; one with a rare gram reads that list alone and
      // probes the others. Driven from a common gram's list, a first page read and sorted every blog
      // holding it (SQLite 19 ms and MariaDB 550 ms for a character in 10 % of 100,000 titles, where
      // the walk takes 0.06 and 1); past the walk's reach (`walkIsShorter`) the lists are read.
      for (const gram of keywordGrams(plan.keyword)) {
        const probed = use === 'page' && (walking || (plan.rareGram !== undefined && gram !== plan.rareGram));
        out.push(probed ? holdsGram(gram) : gramList(gram, plan));
      }
      // A keyword of one or two code points is its own gram: holding it means containing it.
      if (!isOwnGram(plan.keyword)) {
        out.push(sql<boolean>`exists (select 1 from blog_search_docs d where d.blog_id = ${sql.ref('b.id')} and ${contains(dialect, 'd.title_folded', plan.keyword)})`);
      }
    }
    if (plan.search) {
      for (const term of plan.search.terms) {
        out.push(sql<boolean>`${sql.ref('b.id')} in (select blog_id from blog_search_postings where term = ${term})`);
      }
      const { terms } = plan.search;
      // A piece that is one looked-up term needs no exact check: reading every candidate's text is the cost.
      for (const piece of plan.search.pieces.filter((candidate) => !(isSingleTerm(candidate) && terms.includes(candidate)))) {
        out.push(sql<boolean>`exists (select 1 from blog_search_docs d where d.blog_id = ${sql.ref('b.id')}
          and (${contains(dialect, 'd.search_title', piece)} or ${contains(dialect, 'd.search_body', piece)}))`);
      }
    }
    // A queued blog's postings may be stale (the triggers only queue): the fallback scan answers for it.
    out.push(sql<boolean>`not exists (select 1 from blog_search_pending q where q.blog_id = ${sql.ref('b.id')})`);
    return out;
  }

  function hitsOf(plan: Plan): RawBuilder<number> {
    const pieces = plan.search?.pieces ?? [];
    if (pieces.length === 0) return sql<number>`0`;
    // A title hit: the piece is in the folded title as stored; up to two characters a gram says so, without reading the entry.
    const hit = (piece: string) => (Array.from(piece).length <= 2
      ? sql`exists (select 1 from blog_title_grams g where g.gram = ${piece} and g.blog_id = ${sql.ref('b.id')})`
      : sql`exists (select 1 from blog_search_docs d where d.blog_id = ${sql.ref('b.id')} and ${contains(dialect, 'd.title_folded', piece)})`);
    return sql<number>`(${sql.join(pieces.map((piece) => sql`case when ${hit(piece)} then 1 else 0 end`), sql` + `)})`;
  }

  function indexed(plan: Plan, use: Use) {
    // Only indexed blogs have grams and terms: the posting subqueries keep the queued ones out.
    return db.selectFrom('blogs as b')
      .where(sql<boolean>`${sql.join(conditions(plan, use), sql` and `)}`);
  }

  async function hasPending(): Promise<boolean> {
    return (await db.selectFrom('blog_search_pending').select('blog_id').limit(1).execute()).length > 0;
  }

  /** Every queued blog that matches, read in chunks: the fallback while the index is incomplete. */
  async function scanPending(plan: Plan): Promise<{ id: number; createtime: number; hits: number }[]> {
    const found = [];
    let after = 0;
    for (;;) {
      let query = db.selectFrom('blog_search_pending as p')
        .innerJoin('blogs as b', 'b.id', 'p.blog_id')
        // The content only when it is searched: a queue of 100,000 blogs is read at every query.
        .select((eb) => ['b.id', 'b.title', 'b.author', 'b.createtime', 'b.status', (plan.search ? sql<string>`${eb.ref('b.content')}` : sql<string>`''`).as('content')])
        .where('p.blog_id', '>', after)
        .orderBy('p.blog_id')
        .limit(scanChunk);
      if (plan.author !== undefined) query = query.where('b.author', '=', plan.author);
      const rows = await query.execute();
      for (const row of rows) {
        const match = matchesInJs(plan, { ...row, createtime: Number(row.createtime) });
        if (match) found.push({ id: Number(row.id), createtime: Number(row.createtime), hits: match.hits });
      }
      const last = rows.at(-1);
      if (!last || rows.length < scanChunk) return found;
      after = Number(last.id);
    }
  }

  async function rowsByIds(ids: readonly number[]): Promise<BlogRow[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('blogs as b').select(blogColumns).where('b.id', 'in', ids).execute();
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * The answer while blogs are queued: the queued matches (scanned in JS) merged with the index's
   * first `offset + limit` in the same order, and the index's count in one statement with how many
   * of the scanned blogs it already holds. Queued first, indexed second: a batch committing in
   * between shows a blog in both — once on the page, once in the total —, never in neither.
   */
  async function withQueued(plan: Plan, ranked: boolean, limit: number, offset: number): Promise<Matches> {
    const queued = await scanPending(plan);
    let top = indexed(plan, 'page').select(['b.id', 'b.createtime', hitsOf(plan).as('hits')]);
    if (ranked) top = top.orderBy(sql`hits`, 'desc');
    const first = await top.orderBy('b.createtime', 'desc').orderBy('b.id', 'desc').limit(offset + limit).execute();
    const queuedIds = queued.map((row) => row.id);
    const [counted] = await indexed(plan, 'count').select((eb) => [
      eb.fn.countAll<number>().as('n'),
      // Literal ids (integers read from the database): a build of an old database queues them all, past any limit on parameters.
      (queuedIds.length === 0 ? sql<number>`0` : sql<number>`sum(case when ${sql.ref('b.id')} in (${sql.join(queuedIds.map((id) => sql.lit(id)))}) then 1 else 0 end)`).as('both'),
    ]).execute();
    const all = new Map<number, { id: number; createtime: number; hits: number }>();
    for (const row of [...queued, ...first.map((row) => ({ id: Number(row.id), createtime: Number(row.createtime), hits: Number(row.hits) }))]) all.set(row.id, row);
    const sorted = [...all.values()].sort((a, b) => (ranked ? b.hits - a.hits : 0) || b.createtime - a.createtime || b.id - a.id);
    const total = Number(counted?.n ?? 0) + queued.length - Number(counted?.both ?? 0);
    return { rows: await rowsByIds(sorted.slice(offset, offset + limit).map((row) => row.id)), total };
  }

  /**
   * The keyword's rarest gram and how many indexed blogs hold it, from the counters (PostgreSQL's own
   * estimate is its most common values', far off for a rare gram; SQLite has none), and the published
   * blogs, in one statement: on a network database each statement is a round trip. Only numbers come
   * back, one column per gram (MariaDB's grams are varbinary, which mysql2 would answer as Buffers);
   * a gram without a counter row is held by no indexed blog, and its empty list drives best of all.
   */
  async function gramCounts(keyword: string): Promise<{ rarest: { gram: string; n: number }; blogs: number } | undefined> {
    const grams = keywordGrams(keyword);
    const held = grams.map((gram, index) => sql`coalesce((select n from blog_title_gram_counts where gram = ${gram}), 0) as ${sql.id(`n${index}`)}`);
    const { rows } = await sql<Record<string, unknown>>`select ${sql.join(held)}, coalesce((select n from blog_total where id = 1), 0) as blogs`.execute(db);
    const [row] = rows;
    const [rarest] = grams.map((gram, index) => ({ gram, n: Number(row?.[`n${index}`] ?? 0) })).sort((a, b) => a.n - b.n);
    return rarest === undefined ? undefined : { rarest, blogs: Number(row?.blogs ?? 0) };
  }

  async function matches(filter: BlogFilter, limit: number, offset: number): Promise<Matches> {
    const plan = planOf(filter);
    if (plan.keyword !== undefined) {
      const counts = await gramCounts(plan.keyword);
      if (counts !== undefined && counts.rarest.n <= rareGramBlogs) plan.rareGram = counts.rarest.gram;
      else if (counts !== undefined && plan.search === undefined) plan.walk = walkIsShorter(counts.rarest.n, offset + limit, counts.blogs);
    }
    if (plan.search && plan.search.pieces.length === 0) return { rows: [], total: 0 };
    const ranked = plan.search !== undefined;
    if (await hasPending()) return withQueued(plan, ranked, limit, offset);
    const term = rankedTerm(plan);
    // Counters count every indexed blog: usable without an author or status filter, less the hidden few.
    const byCounter = plan.author === undefined && plan.status === undefined;
    if (term !== undefined) {
      const rows = await firstOfPostings(plan, term, limit, offset);
      const total = offset === 0 && rows.length < limit ? rows.length
        : byCounter ? await visibleCount(plan, 'term', term) : await countOf(plan);
      return { rows, total };
    }
    let query = indexed(plan, 'page').select(blogColumns);
    if (ranked) query = query.orderBy(sql`hits`, 'desc').select(hitsOf(plan).as('hits'));
    const rows = await query.orderBy('b.createtime', 'desc').orderBy('b.id', 'desc').limit(limit).offset(offset).execute();
    // A short first page already says how many there are; a bare short keyword is its gram's counter.
    const total = offset === 0 && rows.length < limit ? rows.length
      : byCounter && plan.keyword !== undefined && isOwnGram(plan.keyword) && !plan.search
        ? await visibleCount(plan, 'gram', plan.keyword)
        : await countOf(plan);
    return { rows: rows.map(({ id, title, content, createtime, author, updatetime, status, format, source }) => ({ id, title, content, createtime, author, updatetime, status, format, source })), total };
  }

  /**
   * The visible blogs holding a term or gram, in one statement: its counter (indexed blogs; exact
   * while the queue is empty) less those `visibleAt` hides — drafts and posts dated ahead of it.
   * They are few, so subtracting them is cheaper than counting the visible matches.
   */
  async function visibleCount(plan: Plan, kind: 'term' | 'gram', value: string): Promise<number> {
    const counter = kind === 'term'
      ? sql`coalesce((select n from blog_search_term_counts where term = ${value}), 0)`
      : sql`coalesce((select n from blog_title_gram_counts where gram = ${value}), 0)`;
    let hidden = sql``;
    if (plan.visibleAt !== undefined) {
      // One probe of the list by its key for each hidden blog, as a scalar subquery: written as
      // `exists`, MariaDB made it a semi-join and read every posting of the term (3.5 ms at 100k
      // for a term of 1 %), however few hidden blogs there were.
      const holds = kind === 'term'
        ? sql`(select 1 from blog_search_postings p where p.term = ${value} and p.in_title in (0, 1) and p.createtime = b.createtime and p.blog_id = b.id limit 1) is not null`
        : sql`(select 1 from blog_title_grams g where g.gram = ${value} and g.blog_id = b.id limit 1) is not null`;
      // Each count reads one small range: createtime ahead (blogs_createtime_id), or the drafts —
      // 005's partial index blogs_drafts_author, named on SQLite, which without statistics scanned
      // the whole author index for them (4 ms at 100k); MariaDB's blogs_status_createtime_id (007).
      const drafts = dialect === 'sqlite' ? sql`blogs b indexed by blogs_drafts_author` : sql`blogs b`;
      hidden = sql`- (select count(*) from blogs b where b.createtime > ${plan.visibleAt} and ${holds})
        - (select count(*) from ${drafts} where b.status = 'draft' and ${holds})
        + (select count(*) from ${drafts} where b.createtime > ${plan.visibleAt} and b.status = 'draft' and ${holds})`;
    }
    const { rows } = await sql<{ n: number }>`select ${counter} ${hidden} as n`.execute(db);
    return Number(rows[0]?.n ?? 0);
  }

  async function countOf(plan: Plan): Promise<number> {
    return Number((await indexed(plan, 'count').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }

  /**
   * A one-term `search=`: the term's posting list is in result order (title hits, then newest), so
   * the page is the next `limit` postings that pass the filters. The join order is fixed (SQLite's
   * CROSS JOIN, MySQL's STRAIGHT_JOIN): driven from the author's blogs, a page would sort them all.
   */
  async function firstOfPostings(plan: Plan, term: string, limit: number, offset: number): Promise<BlogRow[]> {
    const join = dialect === 'sqlite' ? sql`cross join` : dialect === 'mysql' ? sql`straight_join` : sql`join`;
    const filters = blogConditions(dialect, plan).map((condition) => sql`and ${condition}`);
    const { rows } = await sql<BlogRow>`select b.id, b.title, b.content, b.createtime, b.author, b.updatetime, b.status, b.format, b.source
      from blog_search_postings p ${join} blogs b on b.id = p.blog_id
      where p.term = ${term} ${sql.join(filters, sql` `)}
        and not exists (select 1 from blog_search_pending q where q.blog_id = p.blog_id)
      order by p.in_title desc, p.createtime desc, p.blog_id desc
      limit ${limit} offset ${offset}`.execute(db);
    return rows;
  }

  let running: Promise<void> | undefined;
  let stopping = false;
  let buildAgain = false;
  let retryTimer: NodeJS.Timeout | undefined;
  function retryLater(onError: (error: unknown) => void): void {
    if (stopping || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      index.startBuilding(onError);
    }, unavailableRetryMs).unref();
  }
  /** Set by `startBuilding` (the server): until then writes leave their blogs queued for the next build. */
  let reportBuildError: ((error: unknown) => void) | undefined;

  async function pendingCount(): Promise<number> {
    const row = await db.selectFrom('blog_search_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function buildPending(progress?: SearchProgress, options: BuildOptions = {}): Promise<number> {
    const size = options.batchSize ?? batchSize;
    // Counted for the progress line only: the server's build after each write shows none.
    const total = progress ? await pendingCount() : 0;
    let done = 0;
    progress?.(done, total);
    let failures = 0;
    while (!stopping) {
      let claimed: number;
      try {
        claimed = await db.transaction().execute(async (trx) => {
          const ids = await claimPending(trx, dialect, size);
          await indexBlogs(trx, ids);
          return ids.length;
        });
        failures = 0;
      } catch (error) {
        // A deadlock or lock timeout with a concurrent write rolls the batch back whole: try it again.
        failures += 1;
        if (failures >= maxBatchAttempts || stopping) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * failures));
        continue;
      }
      if (claimed === 0) break;
      done += claimed;
      progress?.(done, Math.max(total, done));
      // Lets the requests waiting for the connection run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return done;
  }

  const index: SearchIndex = {
    buildPending,
    pendingCount,
    async rebuild(progress) {
      // Entries may not match their blogs (a restored or copied file): none is trusted until rebuilt.
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('blog_title_grams').execute();
        await trx.deleteFrom('blog_search_postings').execute();
        await trx.deleteFrom('blog_search_term_counts').execute();
        await trx.deleteFrom('blog_title_gram_counts').execute();
        await trx.deleteFrom('blog_search_docs').execute();
        await trx.deleteFrom('blog_search_pending').execute();
        await trx.insertInto('blog_search_pending').columns(['blog_id']).expression(trx.selectFrom('blogs').select('id')).execute();
      });
      return buildPending(progress);
    },
    startBuilding(onError) {
      reportBuildError = onError;
      buildAgain = true;
      running ??= (async () => {
        try {
          // A blog queued while a build runs may come after its last claim: one more round then.
          while (buildAgain && !stopping) {
            buildAgain = false;
            await buildPending(undefined, { batchSize: backgroundBatchSize });
          }
        } catch (error) {
          // The database is away: requests report it (503); the queue stays and is tried again.
          if (error instanceof DatabaseUnavailableError) retryLater(onError);
          else if (!stopping) onError(error);
        } finally {
          running = undefined;
        }
      })();
    },
    async stop() {
      stopping = true;
      clearTimeout(retryTimer);
      await running;
    },
  };
  /** After a write committed: its queued blogs are built in the background, where a server builds. */
  function written(): void {
    if (reportBuildError && !stopping) index.startBuilding(reportBuildError);
  }
  return { index, matches, written };
}
