/** Blog queries, one function each, parameterized through Kysely. */
import type { Transaction } from 'kysely';
import type { Blog, BlogFilter, BlogPage, BlogRepository } from '../core/ports.ts';
import type { BlogDatabase, BlogRow, Database } from './database.ts';
import { writeTransaction } from './conflict-retry.ts';
import type { StorageDialect } from './dialects/dialect.ts';
import type { Matches } from './search-index.ts';

const blogColumns = ['id', 'title', 'content', 'createtime', 'author', 'updatetime', 'status', 'format', 'source'] as const;

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
    format: row.format === 'markdown' ? 'markdown' : 'html',
    source: row.source,
  };
}

/** What the repository needs of the search index (src/storage/search-index.ts). */
export interface SearchPart {
  /** Answers the filters the index serves (`keyword`, `search`). */
  matches(filter: BlogFilter, limit: number, offset: number): Promise<Matches>;
  /** Writes the entries of these blogs inside the writing transaction. */
  indexBlogs(trx: Transaction<Database>, ids: readonly number[]): Promise<void>;
}

export function blogRepository(db: BlogDatabase, dialect: StorageDialect, { matches, indexBlogs }: SearchPart): BlogRepository {
  // The detail read is the hottest query: compiled once, run by the dialect's fastest path.
  const byIdQuery = db.selectFrom('blogs').select(blogColumns).where('id', '=', 0).compile();
  const selectById: (parameters: readonly unknown[]) => Promise<BlogRow[]> =
    dialect.prepare?.(byIdQuery) ?? (async (parameters) => (await db.executeQuery<BlogRow>({ ...byIdQuery, parameters })).rows);

  function filtered(filter: BlogFilter) {
    let query = db.selectFrom('blogs');
    if (filter.author !== undefined) query = query.where('author', '=', filter.author);
    return query;
  }

  async function count(filter: BlogFilter): Promise<number> {
    const row = filter.author !== undefined
      ? await db.selectFrom('blog_counts').select('n').where('author', '=', filter.author).executeTakeFirst()
      : await db.selectFrom('blog_total').select('n').where('id', '=', 1).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  return {
    async list(filter, limit, offset): Promise<BlogPage> {
      if (filter.keyword !== undefined || filter.search !== undefined) {
        const found = await matches(filter, limit, offset);
        return { blogs: found.rows.map(toBlog), total: found.total };
      }
      const rows = await filtered(filter)
        .select(blogColumns)
        .orderBy('createtime', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      // A short first page already says how many there are.
      const total = offset === 0 && rows.length < limit ? rows.length : await count(filter);
      return { blogs: rows.map(toBlog), total };
    },

    async findById(id) {
      const [row] = await selectById([id]);
      return row && toBlog(row);
    },

    // The search entry is written (or dropped) in the blog's own transaction.
    insert(blog) {
      return writeTransaction(db, async (trx) => {
        const id = await dialect.insertId(trx, 'blogs', blog);
        await indexBlogs(trx, [id]);
        return id;
      });
    },

    updateOwn(id, author, changes) {
      return writeTransaction(db, async (trx) => {
        const result = await trx.updateTable('blogs').set(changes).where('id', '=', id).where('author', '=', author).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await indexBlogs(trx, [id]);
        return true;
      });
    },

    async deleteOwn(id, author) {
      // The delete's trigger queues the blog; its postings go in the same transaction.
      return writeTransaction(db, async (trx) => {
        const result = await trx.deleteFrom('blogs').where('id', '=', id).where('author', '=', author).executeTakeFirst();
        if (result.numDeletedRows === 0n) return false;
        await indexBlogs(trx, [id]);
        return true;
      });
    },
  };
}
