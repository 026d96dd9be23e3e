/**
 * `BENCH_ONLY=search npm run bench`: the search index at 1,000 and 100,000 posts (SQLite; add 1,000,000
 * with `BENCH_SEARCH_SIZES=1k,100k,1m`: its seed takes ~45 minutes here and ~9 GB), blog-server native
 * in production mode; `BENCH_SEARCH_DATABASE_URL=mysql://…/x` or `postgres://…/x` runs it on that server
 * instead (databases `bench_search_v<n>_<size>`, seeded once and kept). Per size: the detail read (the yardstick), `keyword=` for a
 * two-character and a three-character Chinese word each in exactly 5 titles, and `search=` for a
 * two-character Chinese word in the content of 1 % of the posts (first page of 10). The databases
 * are seeded once into bench/data/ (git-ignored) and reused.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../src/storage/storage.ts';
import { blogServer, type RunContext } from './lineup.ts';
import { measure, type Load, type Measurement } from './measure.ts';
import { machineLine } from './report.ts';
import { buildSearchIndex, seedDatabase } from './seed.ts';

export const SEARCH_TOKEN = 'search';

/** Bump when the seeded data changes: cached files of an older layout are not reused. */
const seedVersion = 2;
const sizes = { '1k': 1_000, '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
type SizeName = keyof typeof sizes;

const twoChars = '鲸鱼';
const threeChars = '长颈鹿';
const contentWord = '海豚';
/** In the seeded titles' 数据库索引的思考, about one title in ten: a keyword whose page walks the blogs. */
const commonChar = '数';

interface Probe {
  name: string;
  label: string;
  path: (detailId: number) => string;
  /** The X-Total-Count the answer must carry, at `count` posts; undefined: no check. */
  total?: (count: number) => number;
}

const probes: Probe[] = [
  { name: 'detail', label: 'detail (yardstick)', path: (id) => `/api/blog/detail?id=${id}` },
  // The same page without a search: what ten posts cost to answer, whatever finds them.
  { name: 'list', label: 'list, newest page of 10 (second yardstick)', path: () => '/api/blog/list?pageSize=10' },
  { name: 'keyword-2', label: `keyword=${twoChars} (5 titles)`, path: () => `/api/blog/list?keyword=${encodeURIComponent(twoChars)}`, total: () => 5 },
  { name: 'keyword-3', label: `keyword=${threeChars} (5 titles)`, path: () => `/api/blog/list?keyword=${encodeURIComponent(threeChars)}`, total: () => 5 },
  { name: 'keyword-common', label: `keyword=${commonChar} (~10 % of titles, page of 10)`, path: () => `/api/blog/list?keyword=${encodeURIComponent(commonChar)}&pageSize=10` },
  { name: 'search', label: `search=${contentWord} (1 % of contents, page of 10)`, path: () => `/api/blog/list?search=${encodeURIComponent(contentWord)}&pageSize=10`, total: (count) => Math.round(count / 100) },
];

function selectedSizes(env: NodeJS.ProcessEnv): SizeName[] {
  const wanted = (env.BENCH_SEARCH_SIZES ?? '1k,100k').split(',').map((token) => token.trim().toLowerCase()).filter(Boolean);
  const unknown = wanted.filter((token) => !(token in sizes));
  if (unknown.length > 0) throw new Error(`BENCH_SEARCH_SIZES: unknown ${unknown.join(', ')} (sizes: ${Object.keys(sizes).join(', ')})`);
  return wanted as SizeName[];
}

/** The marked posts: the keywords' 5 titles spread over the table, the content word in every 100th. */
async function markAndIndex(storage: Storage, count: number): Promise<void> {
  const { db } = storage;
  const ids = (await db.selectFrom('blogs').select('id').orderBy('id').execute()).map((row) => Number(row.id));
  if (ids.length !== count) throw new Error(`bench: ${storage.dialect.displayUrl} has ${ids.length} posts, expected ${count}`);
  const spread = (offset: number) => Array.from({ length: 5 }, (_, index) => ids[Math.floor(((index + offset / 10) * ids.length) / 5)] ?? 0);
  const appended = (column: 'title' | 'content', text: string) => (storage.dialect.name === 'mysql'
    ? sql<string>`concat(${sql.ref(column)}, ${text})` : sql<string>`${sql.ref(column)} || ${text}`);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('blogs').set({ title: appended('title', ` ${twoChars}`) }).where('id', 'in', spread(1)).execute();
    await trx.updateTable('blogs').set({ title: appended('title', ` ${threeChars}的故事`) }).where('id', 'in', spread(5)).execute();
    await trx.updateTable('blogs').set({ content: appended('content', `<p>${contentWord}游过。</p>`) }).where(sql<boolean>`id % 100 = 7`).execute();
  });
  await buildSearchIndex(storage);
}

interface Cached { url: string; detailId: number }

/** The middle blog (the detail read's), after checking the database is seeded and fully indexed. */
async function checkedDatabase(url: string): Promise<Cached> {
  const storage = openStorage(url, { poolSize: 1, sqliteBusyTimeoutMs: 5_000 });
  try {
    const pending = await storage.search.pendingCount();
    if (pending !== 0) throw new Error(`bench: ${storage.dialect.displayUrl} has ${pending} posts not indexed: delete it to seed again`);
    const count = Number((await storage.db.selectFrom('blogs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const middle = await storage.db.selectFrom('blogs').select('id').orderBy('id').offset(Math.floor(count / 2)).limit(1).executeTakeFirstOrThrow();
    return { url, detailId: Number(middle.id) };
  } finally {
    await storage.close();
  }
}

async function seedAndMark(url: string, size: SizeName, context: RunContext): Promise<void> {
  const started = Date.now();
  console.log(`bench: seeding ${sizes[size].toLocaleString('en-US')} posts for the search bench (once; kept in ${url})`);
  await seedDatabase(url, sizes[size], { cli: context.cli, tmpDir: context.tmpDir });
  const storage = openStorage(url, { poolSize: 1, sqliteBusyTimeoutMs: 5_000 });
  try {
    await markAndIndex(storage, sizes[size]);
  } finally {
    await storage.close();
  }
  console.log(`bench: seeded ${size} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The cached SQLite file of `size`, seeded (and indexed) when missing; complete once renamed. */
async function cachedFile(root: string, size: SizeName, context: RunContext): Promise<Cached> {
  const dir = join(root, 'bench', 'data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `search-v${seedVersion}-${size}.db`);
  if (!existsSync(path)) {
    const partial = `${path}.partial`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
    await seedAndMark(partial, size, context);
    const database = new SqliteDatabase(partial);
    database.pragma('wal_checkpoint(TRUNCATE)');
    database.close();
    renameSync(partial, path);
    for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
  return checkedDatabase(path);
}

/**
 * The kept database of `size` on a MySQL/MariaDB or PostgreSQL server: complete once it holds the
 * table `bench_seed_complete`; an incomplete one is dropped and seeded again.
 */
async function cachedServerDatabase(serverUrl: string, size: SizeName, context: RunContext): Promise<Cached> {
  const name = `bench_search_v${seedVersion}_${size}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = openStorage(serverUrl, { poolSize: 1, sqliteBusyTimeoutMs: 5_000 });
  try {
    const mysql = admin.dialect.name === 'mysql';
    const exists = mysql
      ? (await sql`select 1 from information_schema.schemata where schema_name = ${name}`.execute(admin.db)).rows.length > 0
      : (await sql`select 1 from pg_database where datname = ${name}`.execute(admin.db)).rows.length > 0;
    const complete = exists && (mysql
      ? (await sql`select 1 from information_schema.tables where table_schema = ${name} and table_name = 'bench_seed_complete'`.execute(admin.db)).rows.length > 0
      : await (async () => {
        const probe = openStorage(url.toString(), { poolSize: 1, sqliteBusyTimeoutMs: 5_000 });
        try {
          return (await sql`select 1 from information_schema.tables where table_name = 'bench_seed_complete'`.execute(probe.db)).rows.length > 0;
        } finally {
          await probe.close();
        }
      })());
    if (!complete) {
      if (exists) await sql`drop database ${sql.id(name)}`.execute(admin.db);
      await (mysql ? sql`create database ${sql.id(name)} character set utf8mb4 collate utf8mb4_bin` : sql`create database ${sql.id(name)}`).execute(admin.db);
      await seedAndMark(url.toString(), size, context);
      const seeded = openStorage(url.toString(), { poolSize: 1, sqliteBusyTimeoutMs: 5_000 });
      try {
        await sql`create table bench_seed_complete (n integer)`.execute(seeded.db);
      } finally {
        await seeded.close();
      }
    }
  } finally {
    await admin.close();
  }
  return checkedDatabase(url.toString());
}

async function check(baseUrl: string, path: string, total: number | undefined): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`);
  const body = (await response.json()) as { errno?: number };
  if (response.status !== 200 || body.errno !== 0) throw new Error(`bench: ${path} answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  const counted = response.headers.get('x-total-count');
  if (total !== undefined && Number(counted) !== total) throw new Error(`bench: ${path} counted ${counted}, expected ${total}`);
}

interface SearchRow { size: SizeName; probe: Probe; result: Measurement }

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '–' : `${Math.round((a / b) * 100)} %`;
}

function report(rows: readonly SearchRow[], chosen: readonly SizeName[], load: Load, started: number[], database: string): string {
  const rate = (size: SizeName, name: string) => rows.find((row) => row.size === size && row.probe.name === name)?.result.requestsPerSecond;
  const lines = [
    '| request | ' + chosen.map((size) => `${size} req/s (p50 / p99 ms)`).join(' | ') + ' |',
    '|---|' + chosen.map(() => '---:|').join(''),
  ];
  for (const probe of probes) {
    const cells = chosen.map((size) => {
      const row = rows.find((entry) => entry.size === size && entry.probe === probe);
      return row ? `${Math.round(row.result.requestsPerSecond)} (${row.result.p50Ms} / ${row.result.p99Ms})` : '–';
    });
    lines.push(`| ${probe.label} | ${cells.join(' | ')} |`);
  }
  const smallest = chosen[0];
  const largest = chosen.at(-1);
  const ratios: string[] = [];
  if (smallest && largest && smallest !== largest) {
    for (const name of ['keyword-2', 'keyword-3', 'keyword-common']) {
      ratios.push(`${name} at ${largest} / at ${smallest}: ${ratio(rate(largest, name), rate(smallest, name))}${name === 'keyword-common' ? '' : ' (target ≥ 80 %)'}`);
    }
  }
  for (const size of chosen) {
    ratios.push(`search at ${size} / detail at ${size}: ${ratio(rate(size, 'search'), rate(size, 'detail'))}${size === '1m' ? ' (target ≥ 25 %)' : ''}; / list page at ${size}: ${ratio(rate(size, 'search'), rate(size, 'list'))}`);
  }
  return [
    `Machine: ${machineLine()}; load average at start ${started.map((value) => value.toFixed(2)).join(' ')}, at end ${loadavg().map((value) => value.toFixed(2)).join(' ')}.`,
    `blog-server native, NODE_ENV=production, ${database}; ${load.connections} connections, ${load.durationSeconds} s after ${load.warmupSeconds} s warm-up, one request kind at a time.`,
    '',
    ...lines,
    '',
    ...ratios.map((line) => `- ${line}`),
  ].join('\n');
}

export async function runSearchBench(context: RunContext, load: Load): Promise<number> {
  const { root } = context;
  const chosen = selectedSizes(process.env);
  const serverUrl = process.env.BENCH_SEARCH_DATABASE_URL?.trim() || undefined;
  const started = loadavg();
  const rows: SearchRow[] = [];
  for (const size of chosen) {
    const database = serverUrl === undefined ? await cachedFile(root, size, context) : await cachedServerDatabase(serverUrl, size, context);
    const server = await blogServer('native').start(database.url, database.detailId, context);
    try {
      for (const probe of probes) {
        const path = probe.path(database.detailId);
        await check(server.baseUrl, path, probe.total?.(sizes[size]));
        const result = await measure(server.baseUrl, { method: 'GET', path, headers: {} }, load, server.cpuSeconds);
        rows.push({ size, probe, result });
        console.log(`bench: search ${size} ${probe.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${result.failures > 0 ? `, ${result.failures} failed` : ''}`);
      }
    } finally {
      await server.stop();
    }
  }
  const text = report(rows, chosen, load, started, serverUrl === undefined ? 'SQLite' : new URL(serverUrl).protocol.replace(':', ''));
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = serverUrl === undefined ? 'search.md' : `search-${new URL(serverUrl).protocol.replace(':', '')}.md`;
  writeFileSync(join(root, 'bench', 'results', file), `${text}\n`);
  console.log(`\n${text}\n\nbench: written to bench/results/${file}`);
  return rows.some((row) => row.result.failures > 0) ? 1 : 0;
}
