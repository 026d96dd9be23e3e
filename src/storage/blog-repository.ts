/** Blog queries, one function each, parameterized through Kysely; the hot reads compiled once. */
import { sql, type CompiledQuery, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Blog, BlogFilter, BlogFormat, BlogPage, BlogRepository, PostText, Revision, RevisionPolicy } from '../core/ports.ts';
import type { BlogDatabase, BlogRevisionRow, BlogRow, Database } from './database.ts';
import { writeTransaction } from './conflict-retry.ts';
import type { StorageDialect } from './dialects/dialect.ts';
import type { Matches } from './search-index.ts';

const blogColumns = ['id', 'title', 'content', 'createtime', 'author', 'updatetime', 'status', 'format', 'source'] as const;

/** A stored format as the API names it: anything but Markdown is HTML. */
function formatOf(stored: string): BlogFormat {
  return stored === 'markdown' ? 'markdown' : 'html';
}

/** The one mapping from a row to the API's blog: drivers may return int8 as string or bigint. */
export function toBlog(row: BlogRow): Blog {
  const createtime = Number(row.createtime);
  const status = row.status === 'draft' ? 'draft' : 'published';
  return {
    id: Number(row.id),
    title: row.title,
    content: row.content,
    createtime,
    author: row.author,
    updatetime: row.updatetime === null ? null : Number(row.updatetime),
    status,
    publishtime: status === 'published' ? createtime : null,
    format: formatOf(row.format),
    source: row.source,
  };
}

/** What the repository needs of the search index (src/storage/search-index.ts). */
export interface SearchPart {
  /** Answers the filters the index serves (`keyword`, `search`). */
  matches(filter: BlogFilter, limit: number, offset: number): Promise<Matches>;
  /** A write committed: the blogs its triggers queued get their entries soon after. */
  written(): void;
}

function toRevision(row: BlogRevisionRow): Revision {
  return {
    revision: Number(row.id),
    time: Number(row.createtime),
    title: row.title,
    content: row.content,
    source: row.source,
    format: formatOf(row.format),
    kind: row.kind,
  };
}

const summaryColumns = ['id', 'createtime', 'title', 'kind', 'format'] as const;
const revisionColumns = ['id', 'blog_id', 'author', 'title', 'content', 'source', 'format', 'kind', 'createtime'] as const;

/** One condition of a filter: a column, an operator and the request's value. */
type Condition = readonly ['author' | 'status' | 'createtime', '=' | '<=' | '>', string | number];

/** The rows a filter keeps: the author, what is public at a time, the own list's status. */
function conditions(filter: BlogFilter): Condition[] {
  const kept: Condition[] = [];
  if (filter.author !== undefined) kept.push(['author', '=', filter.author]);
  if (filter.visibleAt !== undefined) kept.push(['status', '=', 'published'], ['createtime', '<=', filter.visibleAt]);
  const status = filter.status;
  if (status?.state === 'draft') kept.push(['status', '=', 'draft']);
  if (status?.state === 'scheduled') kept.push(['status', '=', 'published'], ['createtime', '>', status.at]);
  if (status?.state === 'published') kept.push(['status', '=', 'published'], ['createtime', '<=', status.at]);
  return kept;
}

function where<Q extends SelectQueryBuilder<Database, 'blogs', object>>(query: Q, kept: readonly Condition[]): Q {
  return kept.reduce((filtered, [column, operator, value]) => filtered.where(column, operator, value) as Q, query);
}

type Run<R> = (parameters: readonly unknown[]) => Promise<R[]>;

export function blogRepository(db: BlogDatabase, dialect: StorageDialect, { matches, written }: SearchPart): BlogRepository {
  /** A query compiled once, run by the dialect's fastest path with each request's values. */
  function prepared<R>(query: CompiledQuery<R>): Run<R> {
    return dialect.prepare?.(query) ?? (async (parameters) => (await db.executeQuery<R>({ ...query, parameters })).rows);
  }

  /**
   * A query of the filters compiled once per shape (which columns, which operators: a dozen at most)
   * and run with each request's values, as the detail read: building it through Kysely costs a list
   * page about 10 µs of CPU.
   */
  function byShape<R>(build: (kept: readonly Condition[]) => CompiledQuery<R>) {
    const compiled = new Map<string, Run<R>>();
    return (kept: readonly Condition[], trailing: readonly unknown[] = []): Promise<R[]> => {
      const shape = kept.map(([column, operator]) => `${column} ${operator}`).join(' and ');
      let run = compiled.get(shape);
      if (!run) {
        run = prepared(build(kept));
        compiled.set(shape, run);
      }
      return run([...kept.map(([, , value]) => value), ...trailing]);
    };
  }

  /**
   * A write unit committed on its own: grouped by the dialect where it can, else retried on deadlock.
   * The blog triggers queue the blogs it touches for the search index, in the same transaction;
   * their entries are built after the commit (src/storage/search-index.ts).
   */
  async function write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const result = await (dialect.writeUnit ? dialect.writeUnit(work) : writeTransaction(db, work));
    written();
    return result;
  }

  // The detail read is the hottest query: compiled once, run by the dialect's fastest path.
  const selectById = prepared(db.selectFrom('blogs').select(blogColumns).where('id', '=', 0).compile());
  const selectPage = byShape((kept) => where(db.selectFrom('blogs').select(blogColumns), kept)
    .orderBy('createtime', 'desc').orderBy('id', 'desc').limit(0).offset(0).compile());
  const selectCount = byShape((kept) => where(db.selectFrom('blogs').select((eb) => eb.fn.countAll<number>().as('n')), kept).compile());
  /**
   * The rows a filter keeps and the counter row of the same author (or of all) in one statement: on a
   * network database each statement is a round trip and a socket write on both sides, the largest
   * part of a list page's CPU there.
   */
  const selectCountBesideCounter = byShape((kept) => {
    const counter = kept.some(([column]) => column === 'author')
      ? db.selectFrom('blog_counts').select('n').where('author', '=', '')
      : db.selectFrom('blog_total').select('n').where('id', '=', 0);
    return db.selectNoFrom((eb) => [
      where(eb.selectFrom('blogs').select((inner) => inner.fn.countAll<number>().as('n')), kept).as('n'),
      counter.as('published'),
    ]).compile();
  });

  async function countWhere(filter: BlogFilter): Promise<number> {
    const [row] = await selectCount(conditions(filter));
    return Number(row?.n ?? 0);
  }

  /**
   * The counters hold published rows, scheduled ones included; what is not public yet lies ahead of
   * the clock, a range of the createtime indexes with few rows. Drafts are counted on their own
   * index (own lists only).
   */
  async function count(filter: BlogFilter): Promise<number> {
    const { author, visibleAt, status } = filter;
    if (status?.state === 'draft' || status?.state === 'scheduled') return countWhere(filter);
    const at = visibleAt ?? (status?.state === 'published' ? status.at : undefined);
    const others: BlogFilter = { ...(author === undefined ? {} : { author }), status: at !== undefined ? { state: 'scheduled', at } : { state: 'draft', at: 0 } };
    const kept = conditions(others);
    if (at === undefined) {
      const [row] = await selectCountBesideCounter(kept, [author ?? 1]);
      return Number(row?.published ?? 0) + Number(row?.n ?? 0);
    }
    // Rows of any status ahead of the clock: the createtime index answers that alone, where the
    // status test reads the table (a public list page's total cost 3–4 times as much). Usually there
    // are none, and so no scheduled post; only when there are is the exact count made.
    const [row] = await selectCountBesideCounter(kept.filter(([column]) => column !== 'status'), [author ?? 1]);
    const published = Number(row?.published ?? 0);
    return Number(row?.n ?? 0) === 0 ? published : published - (await countWhere(others));
  }

  /**
   * The blog's row if `author` owns it, locked for the rest of the transaction: the version a save
   * keeps as a revision is the one it replaces. SQLite has no row locks; a write statement that
   * changes nothing takes its write lock first (waiting out the busy timeout), because a transaction
   * that reads first and another process writes meanwhile fails at its own write without waiting.
   */
  async function ownRow(trx: Transaction<Database>, id: number, author: string): Promise<BlogRow | undefined> {
    if (dialect.name === 'sqlite') await sql`delete from blog_revisions where 0 = 1`.execute(trx);
    const query = trx.selectFrom('blogs').select(blogColumns).where('id', '=', id);
    const row = await (dialect.name === 'sqlite' ? query : query.forUpdate()).executeTakeFirst();
    return row && row.author === author ? row : undefined;
  }

  async function owns(id: number, author: string): Promise<boolean> {
    const [row] = await selectById([id]);
    return row !== undefined && row.author === author;
  }

  /** Whether two versions read the same (status and times aside): saving one over the other keeps no revision. */
  const sameText = (a: PostText, b: PostText) => a.title === b.title && a.content === b.content && a.format === b.format && a.source === b.source;

  async function keepRevision(trx: Transaction<Database>, blogId: number, author: string, text: PostText, kind: Revision['kind'], policy: RevisionPolicy): Promise<number> {
    const revision = await dialect.insertId(trx, 'blog_revisions', {
      blog_id: blogId, author, title: text.title, content: text.content, source: text.source, format: text.format, kind, createtime: policy.time,
    });
    // The oldest beyond the bound go: the newest `kept` stay.
    const boundary = await trx.selectFrom('blog_revisions').select('id').where('blog_id', '=', blogId)
      .orderBy('id', 'desc').offset(policy.kept).limit(1).executeTakeFirst();
    if (boundary) await trx.deleteFrom('blog_revisions').where('blog_id', '=', blogId).where('id', '<=', Number(boundary.id)).execute();
    return revision;
  }

  return {
    async list(filter, limit, offset): Promise<BlogPage> {
      if (filter.keyword !== undefined || filter.search !== undefined) {
        const found = await matches(filter, limit, offset);
        return { blogs: found.rows.map(toBlog), total: found.total };
      }
      const rows = await selectPage(conditions(filter), [limit, offset]);
      // A short first page already says how many there are.
      const total = offset === 0 && rows.length < limit ? rows.length : await count(filter);
      return { blogs: rows.map(toBlog), total };
    },

    async findById(id) {
      const [row] = await selectById([id]);
      return row && toBlog(row);
    },

    insert(blog) {
      return write((trx) => dialect.insertId(trx, 'blogs', { ...blog }));
    },

    insertAutosaved(blog, policy) {
      return write(async (trx) => {
        const id = await dialect.insertId(trx, 'blogs', { ...blog });
        const text = { title: blog.title, content: blog.content, format: blog.format ?? 'html', source: blog.source ?? null };
        const revision = await keepRevision(trx, id, blog.author, text, 'autosave', policy);
        return { id, revision };
      });
    },

    updateOwn(id, author, change, policy) {
      return write(async (trx) => {
        const row = await ownRow(trx, id, author);
        if (!row) return false;
        const current = toBlog(row);
        const next = change(current);
        if (!sameText(current, next)) await keepRevision(trx, id, author, current, 'save', policy);
        const { title, content, format, source, status, createtime, updatetime } = next;
        await trx.updateTable('blogs').set({ title, content, format, source, status, createtime, updatetime }).where('id', '=', id).execute();
        return true;
      });
    },

    async deleteOwn(id, author) {
      // The delete's trigger queues the blog: the build drops its entry.
      return write(async (trx) => {
        const result = await trx.deleteFrom('blogs').where('id', '=', id).where('author', '=', author).executeTakeFirst();
        if (result.numDeletedRows === 0n) return false;
        await trx.deleteFrom('blog_revisions').where('blog_id', '=', id).execute();
        return true;
      });
    },

    async revisionsOwn(id, author) {
      if (!(await owns(id, author))) return undefined;
      const rows = await db.selectFrom('blog_revisions').select(summaryColumns).where('blog_id', '=', id).orderBy('id', 'desc').execute();
      return rows.map((row) => ({ revision: Number(row.id), time: Number(row.createtime), title: row.title, kind: row.kind, format: formatOf(row.format) }));
    },

    async revisionOwn(id, author, revision) {
      if (!(await owns(id, author))) return { own: false };
      const row = await db.selectFrom('blog_revisions').select(revisionColumns).where('id', '=', revision).where('blog_id', '=', id).executeTakeFirst();
      return { own: true, revision: row && toRevision(row) };
    },

    restoreOwn(id, author, revision, policy) {
      return write(async (trx) => {
        const row = await ownRow(trx, id, author);
        if (!row) return 'not-own' as const;
        const kept = await trx.selectFrom('blog_revisions').select(revisionColumns).where('id', '=', revision).where('blog_id', '=', id).executeTakeFirst();
        if (!kept) return 'no-revision' as const;
        const restored = toRevision(kept);
        const { title, content, source, format } = restored;
        const current = toBlog(row);
        if (!sameText(current, restored)) await keepRevision(trx, id, author, current, 'restore', policy);
        await trx.updateTable('blogs').set({ title, content, source, format, updatetime: policy.time }).where('id', '=', id).execute();
        return 'restored' as const;
      });
    },

    autosaveOwn(id, author, text, policy) {
      return write(async (trx) => {
        const row = await ownRow(trx, id, author);
        if (!row) return undefined;
        // One pending autosave: those newer than the last kept save or restore are replaced.
        const lastSave = await trx.selectFrom('blog_revisions').select('id').where('blog_id', '=', id).where('kind', '!=', 'autosave')
          .orderBy('id', 'desc').limit(1).executeTakeFirst();
        await trx.deleteFrom('blog_revisions').where('blog_id', '=', id).where('kind', '=', 'autosave').where('id', '>', Number(lastSave?.id ?? 0)).execute();
        return { revision: await keepRevision(trx, id, author, text, 'autosave', policy) };
      });
    },
  };
}
