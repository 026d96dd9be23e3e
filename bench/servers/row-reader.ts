/**
 * Reads one blog by id with a prepared statement, from the backend a URL names: better-sqlite3 for a
 * SQLite path, mysql2 for `mysql://`, pg for `postgres://`. It is what every reference server pays.
 */
import type { RowDataPacket } from 'mysql2';
import type { Blog } from '../../src/core/ports.ts';
import { toBlog } from '../../src/storage/blog-repository.ts';
import { sqlitePathOf } from '../../src/storage/connect.ts';
import type { BlogRow } from '../../src/storage/database.ts';

/** One list page, newest first, and how many blogs match (the `X-Total-Count`). */
export interface Page {
  blogs: Blog[];
  total: number;
}

export interface RowReader {
  /** Synchronous on SQLite (better-sqlite3 is), a promise on a network database. */
  read(id: number): Blog | undefined | Promise<Blog | undefined>;
  /**
   * The page blog-server's list answers, with the same queries' work: the rows by the (author,)
   * createtime, id index, the total from the counter tables the triggers keep (migration 003).
   */
  page(author: string | undefined, limit: number, offset: number): Page | Promise<Page>;
  close(): Promise<void>;
}

const columns = 'id, title, content, createtime, author, updatetime';
const order = 'order by createtime desc, id desc limit ? offset ?';

/** blog-server's own row mapping (so the JSON is identical): drivers hand back int8 as numbers, strings or bigints. */
function toRecord(row: BlogRow | undefined): Blog | undefined {
  return row === undefined ? undefined : toBlog(row);
}

async function sqliteReader(path: string): Promise<RowReader> {
  const { default: Database } = await import('better-sqlite3');
  const database = new Database(path, { readonly: true, fileMustExist: true });
  const statement = database.prepare<[number], BlogRow>(`select ${columns} from blogs where id = ?`);
  const all = database.prepare<[number, number], BlogRow>(`select ${columns} from blogs ${order}`);
  const byAuthor = database.prepare<[string, number, number], BlogRow>(`select ${columns} from blogs where author = ? ${order}`);
  const total = database.prepare<[], { n: number }>('select n from blog_total where id = 1');
  const authorTotal = database.prepare<[string], { n: number }>('select n from blog_counts where author = ?');
  return {
    read: (id) => toRecord(statement.get(id)),
    page: (author, limit, offset) => ({
      blogs: (author === undefined ? all.all(limit, offset) : byAuthor.all(author, limit, offset)).map(toBlog),
      total: Number((author === undefined ? total.get() : authorTotal.get(author))?.n ?? 0),
    }),
    close: async () => void database.close(),
  };
}

async function mysqlReader(url: string, poolSize: number): Promise<RowReader> {
  const mysql = await import('mysql2/promise');
  const pool = mysql.createPool({ uri: url, connectionLimit: poolSize });
  const text = `select ${columns} from blogs where id = ?`;
  return {
    async read(id) {
      // execute() prepares the statement once per connection and reuses it.
      const [rows] = await pool.execute<(BlogRow & RowDataPacket)[]>(text, [id]);
      return toRecord(rows[0]);
    },
    async page(author, limit, offset) {
      // Both queries at once, as two pooled connections can.
      const [[rows], [counts]] = await Promise.all([
        author === undefined
          ? pool.execute<(BlogRow & RowDataPacket)[]>(`select ${columns} from blogs ${order}`, [String(limit), String(offset)])
          : pool.execute<(BlogRow & RowDataPacket)[]>(`select ${columns} from blogs where author = ? ${order}`, [author, String(limit), String(offset)]),
        author === undefined
          ? pool.execute<({ n: number } & RowDataPacket)[]>('select n from blog_total where id = 1')
          : pool.execute<({ n: number } & RowDataPacket)[]>('select n from blog_counts where author = ?', [author]),
      ]);
      return { blogs: rows.map(toBlog), total: Number(counts[0]?.n ?? 0) };
    },
    close: () => pool.end(),
  };
}

async function postgresReader(url: string, poolSize: number): Promise<RowReader> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const text = `select ${columns} from blogs where id = $1`;
  return {
    async read(id) {
      // A named query is prepared once per connection.
      const result = await pool.query<BlogRow>({ name: 'bench_blog_detail', text, values: [id] });
      return toRecord(result.rows[0]);
    },
    async page(author, limit, offset) {
      const [rows, counts] = await Promise.all([
        author === undefined
          ? pool.query<BlogRow>({ name: 'bench_blog_list', text: `select ${columns} from blogs order by createtime desc, id desc limit $1 offset $2`, values: [limit, offset] })
          : pool.query<BlogRow>({ name: 'bench_blog_list_author', text: `select ${columns} from blogs where author = $1 order by createtime desc, id desc limit $2 offset $3`, values: [author, limit, offset] }),
        author === undefined
          ? pool.query<{ n: string }>({ name: 'bench_blog_total', text: 'select n from blog_total where id = 1' })
          : pool.query<{ n: string }>({ name: 'bench_blog_author_total', text: 'select n from blog_counts where author = $1', values: [author] }),
      ]);
      return { blogs: rows.rows.map(toBlog), total: Number(counts.rows[0]?.n ?? 0) };
    },
    close: () => pool.end(),
  };
}

/** Opens the reader for `url` (a SQLite path, `mysql://…` or `postgres://…`). */
export function openRowReader(url: string, poolSize = 10): Promise<RowReader> {
  const path = sqlitePathOf(url);
  if (path !== undefined) return sqliteReader(path);
  if (/^(mysql|mariadb):/i.test(url)) return mysqlReader(url.replace(/^mariadb:/i, 'mysql:'), poolSize);
  if (/^postgres(ql)?:/i.test(url)) return postgresReader(url, poolSize);
  throw new Error(`unsupported database URL for the reference servers: ${url}`);
}
