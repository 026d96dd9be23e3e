/**
 * The backup benchmark (`BENCH_ONLY=backup`, or `node --import tsx bench/backup.ts`): seeds BENCH_BACKUP_BLOGS
 * (default 100,000) blogs into SQLite, then times, per database, `blog-server backup`, `restore` into a fresh
 * database and `copy` from SQLite into a fresh one — each a whole CLI process under GNU time (wall time, rows/s,
 * peak RSS). MariaDB and PostgreSQL come from test/helpers/databases.ts (fresh databases, dropped at the end);
 * an unreachable one is reported and left out. Prints a Markdown table for docs/benchmark.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMariadbDatabase, createPostgresDatabase, unreachableServices, type TestResource } from '../test/helpers/databases.ts';
import { ensureBuilt } from './build.ts';
import { machineLine } from './report.ts';
import { seedDatabase } from './seed.ts';

/** The BENCH_ONLY name of this benchmark. */
export const BACKUP_TOKEN = 'backup';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Timed {
  wallSeconds: number;
  peakRssMb: number;
}

function timedCli(cli: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH-TIME %e %M', process.execPath, cli, ...args], { cwd, env: { ...process.env, NODE_ENV: 'development', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const figures = /BENCH-TIME ([\d.]+) (\d+)/.exec(stderr);
      if (code !== 0 || figures === null) {
        reject(new Error(`blog-server ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      resolvePromise({ wallSeconds: Number(figures[1]), peakRssMb: Number(figures[2]) / 1024 });
    });
  });
}

interface Row {
  database: string;
  operation: string;
  timed: Timed;
  rows: number;
  note?: string;
}

export async function runBackupBench(options: { blogs: number; cli: string; tmpDir: string }): Promise<{ section: string; failed: boolean }> {
  const { blogs, cli, tmpDir } = options;
  const resources: TestResource[] = [];
  const rows: Row[] = [];
  let failed = false;
  try {
    const source = join(tmpDir, 'backup-source.db');
    const started = Date.now();
    await seedDatabase(source, blogs, { cli, tmpDir });
    console.log(`bench: seeded ${blogs.toLocaleString('en-US')} blogs into SQLite in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const total = blogs + 2; // and the demo users
    const databases: { name: string; fresh: () => Promise<string> }[] = [{ name: 'SQLite', fresh: async () => join(tmpDir, `backup-${rows.length}-${Date.now()}.db`) }];
    const network = [
      { name: 'MariaDB', service: 'mariadb', create: createMariadbDatabase },
      { name: 'PostgreSQL', service: 'postgres', create: createPostgresDatabase },
    ] as const;
    for (const { name, service, create } of network) {
      const problem = unreachableServices([service], `the ${name} backup benchmark`);
      if (problem !== undefined) {
        console.warn(`bench: ${name} left out: ${problem}`);
        continue;
      }
      databases.push({ name, fresh: async () => {
        const resource = await create();
        resources.push(resource);
        return resource.url;
      } });
    }
    for (const database of databases) {
      try {
        // The database's own copy of the blog: SQLite is the seeded file, the others get it by `copy`.
        let url = source;
        if (database.name !== 'SQLite') {
          url = await database.fresh();
          rows.push({ database: database.name, operation: 'copy from SQLite', timed: await timedCli(cli, ['copy', '--from', source, '--to', url], {}, tmpDir), rows: total });
        }
        const file = join(tmpDir, `backup-${database.name}.jsonl.gz`);
        const backup = await timedCli(cli, ['backup', '--out', file], { DATABASE_URL: url }, tmpDir);
        rows.push({ database: database.name, operation: 'backup', timed: backup, rows: total, note: `${(statSync(file).size / 1e6).toFixed(1)} MB file` });
        rows.push({ database: database.name, operation: 'restore into an empty one', timed: await timedCli(cli, ['restore', file], { DATABASE_URL: await database.fresh() }, tmpDir), rows: total });
        if (database.name === 'SQLite') rows.push({ database: database.name, operation: 'copy SQLite → SQLite', timed: await timedCli(cli, ['copy', '--from', source, '--to', await database.fresh()], {}, tmpDir), rows: total });
        console.log(`bench: ${database.name} done`);
      } catch (error) {
        failed = true;
        console.error(`bench: ${database.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    for (const resource of resources) await resource.drop().catch(() => {});
  }
  const table = [
    '| database | operation | rows | time | rows/s | peak RSS | note |',
    '|---|---|--:|--:|--:|--:|---|',
    ...rows.map((row) => `| ${row.database} | ${row.operation} | ${row.rows.toLocaleString('en-US')} | ${row.timed.wallSeconds.toFixed(1)} s | ${Math.round(row.rows / Math.max(0.01, row.timed.wallSeconds)).toLocaleString('en-US')} | ${row.timed.peakRssMb.toFixed(0)} MB | ${row.note ?? ''} |`),
  ].join('\n');
  const section = `${machineLine()}; load average at the end ${loadavg()[0]?.toFixed(1)}; ${blogs.toLocaleString('en-US')} blogs of 1–2 KB and 2 users; each figure one whole CLI process under GNU time\n\n${table}\n`;
  return { section, failed };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const tmpDir = mkdtempSync(join(tmpdir(), 'blog-bench-backup-'));
  try {
    const blogs = Number(process.env.BENCH_BACKUP_BLOGS ?? 100_000);
    if (!Number.isInteger(blogs) || blogs < 1) throw new Error(`BENCH_BACKUP_BLOGS: expected a whole number, got ${process.env.BENCH_BACKUP_BLOGS}`);
    const { section, failed } = await runBackupBench({ blogs, cli: await ensureBuilt(root), tmpDir });
    console.log(section);
    process.exitCode = failed ? 1 : 0;
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
