/**
 * Seeds one database through blog-server's own storage layer (so every backend works): migrations,
 * the demo users by the CLI's `demo` command, then N blogs of 1–2 KB by several authors with
 * increasing `createtime`, 500 rows an insert (the count triggers keep `X-Total-Count` right).
 */
import { join } from 'node:path';
import { sql, type Insertable } from 'kysely';
import type { BlogsTable } from '../src/storage/database.ts';
import { openStorage, type Storage } from '../src/storage/storage.ts';
import { blogContent, blogTitle, randomSource } from './content.ts';
import { runCommand } from './processes.ts';

const authors = ['zhangsan', 'lisi', 'wangwu', 'zhaoliu'] as const;
const batchSize = 500;
/** SQLite commits once per this many rows rather than once per insert. */
const rowsPerSqliteTransaction = 10_000;
/** Seeded blogs start here, one a minute (plus jitter that keeps the order). */
const firstCreatetime = Date.UTC(2024, 0, 1);

/** Blogs per build transaction while seeding: nobody waits for the lock, and bigger commits write each hot page once. */
const seedBuildBatch = 5_000;

/**
 * Builds the search index of a database nobody else uses yet, as fast as it goes: big batches and,
 * on SQLite, a page cache that holds the posting lists' growing ends (the default 2 MB thrashes).
 */
export async function buildSearchIndex(storage: Storage): Promise<void> {
  const { name } = storage.dialect;
  if (name === 'sqlite') await sql`pragma cache_size = -1000000`.execute(storage.db);
  await storage.search.buildPending(undefined, { batchSize: seedBuildBatch });
  // After a bulk load, as autovacuum / InnoDB's automatic statistics would do on a live server soon:
  // their planners choose from statistics (SQLite here has none, and its queries are written for that).
  if (name === 'postgres') await sql`analyze`.execute(storage.db);
  if (name === 'mysql') await sql`analyze table blogs, blog_title_grams, blog_search_postings, blog_search_docs`.execute(storage.db);
}

export interface SeedContext {
  /** `dist/cli/main.js`, whose `demo` command creates zhangsan and lisi (password 123). */
  cli: string;
  /** Working directory and log dir for the CLI. */
  tmpDir: string;
}

export interface SeededDatabase {
  url: string;
  blogs: number;
  /** A blog in the middle of the table: the one every detail read asks for. */
  detailId: number;
}

/**
 * Rows oldest first. Each row's text and author depend only on its rank from the newest, so the
 * newest pages of 1k and 100k are the same blogs and their list timings compare like with like.
 */
function* batches(count: number): Generator<Insertable<BlogsTable>[]> {
  for (let start = 0; start < count; start += batchSize) {
    const rows: Insertable<BlogsTable>[] = [];
    for (let n = start; n < Math.min(count, start + batchSize); n += 1) {
      const random = randomSource(count - n);
      rows.push({
        title: blogTitle(random, n + 1),
        content: blogContent(random),
        author: authors[Math.floor(random() * authors.length)] ?? 'zhangsan',
        createtime: firstCreatetime + n * 60_000 + Math.floor(random() * 30_000),
        updatetime: null,
      });
    }
    yield rows;
  }
}

async function createDemoUsers(url: string, { cli, tmpDir }: SeedContext): Promise<void> {
  await runCommand(process.execPath, [cli, 'demo'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    DATABASE_URL: url,
    SESSION_STORE: 'memory',
    LOG_DIR: join(tmpDir, 'logs'),
    ACCESS_LOG: 'off',
  }, tmpDir);
}

export async function seedDatabase(url: string, count: number, context: SeedContext): Promise<SeededDatabase> {
  const storage = openStorage(url, { poolSize: 10, sqliteBusyTimeoutMs: 5_000 });
  try {
    await storage.migrate();
    await createDemoUsers(url, context);
    // The demo posts are dated now and would lead every list; the dataset is the seeded blogs only.
    await storage.db.deleteFrom('blogs').execute();
    if (storage.dialect.name === 'sqlite') {
      let pending: Insertable<BlogsTable>[][] = [];
      const commit = async () => {
        const chunk = pending;
        pending = [];
        await storage.db.transaction().execute(async (trx) => {
          for (const rows of chunk) await trx.insertInto('blogs').values(rows).execute();
        });
      };
      for (const rows of batches(count)) {
        pending.push(rows);
        if (pending.length * batchSize >= rowsPerSqliteTransaction) await commit();
      }
      if (pending.length > 0) await commit();
    } else {
      for (const rows of batches(count)) await storage.db.insertInto('blogs').values(rows).execute();
    }
    // The search index of the seeded rows, built now: no server may measure while it builds it.
    await buildSearchIndex(storage);
    const middle = await storage.db.selectFrom('blogs').select('id').orderBy('id').limit(1).offset(Math.floor(count / 2)).executeTakeFirstOrThrow();
    const total = await storage.db.selectFrom('blog_total').select('n').where('id', '=', 1).executeTakeFirst();
    if (Number(total?.n) !== count) throw new Error(`bench: seeded ${count} blogs but blog_total says ${String(total?.n)}`);
    return { url, blogs: count, detailId: Number(middle.id) };
  } finally {
    await storage.close();
  }
}
