/** The servers the benchmark runs: the references in bench/servers/ and blog-server once per engine. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BackendKind } from './databases.ts';
import { startChild, type ChildServer } from './processes.ts';

export interface RunContext {
  root: string;
  /** `dist/cli/main.js`. */
  cli: string;
  tmpDir: string;
  redisUrl: string | undefined;
}

export interface ServerSpec {
  /** As the table and `BENCH_ONLY` name it. */
  name: string;
  start(databaseUrl: string, detailId: number, context: RunContext): Promise<ChildServer>;
}

const sessionSecret = randomBytes(32).toString('hex');
/** tsx's loader by absolute URL: the servers run with the temp dir as their working directory. */
const tsxLoader = import.meta.resolve('tsx');

/** A clean environment: nothing from the caller's shell changes what is measured. */
function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME };
}

function reference(name: string, file: string): ServerSpec {
  return {
    name,
    start: (databaseUrl, detailId, { root, tmpDir }) => startChild({
      name,
      args: (port) => ['--import', tsxLoader, join(root, 'bench', 'servers', file), '--database', databaseUrl, '--port', String(port), '--id', String(detailId)],
      env: { ...baseEnv(), NODE_ENV: 'production' },
      cwd: tmpDir,
    }),
  };
}

export const rawCeiling = reference('raw-ceiling', 'raw-ceiling.ts');
const bareExpress = reference('bare-express', 'bare-express.ts');
const bareKoa = reference('bare-koa', 'bare-koa.ts');
/** The course's native server writing to MariaDB (its own database there, whatever the run's backend): what `create` is held to. */
export const courseMysql = reference('course-mysql', 'course-mysql.ts');

/** `blog-server serve --engine <engine>` in production mode; `accessLog` other than off names the row `<engine>+<format>-log`. */
export function blogServer(engine: string, accessLog: 'off' | 'combined' = 'off'): ServerSpec {
  const name = accessLog === 'off' ? engine : `${engine}+${accessLog}-log`;
  return {
    name,
    start: (databaseUrl, _detailId, { cli, tmpDir, redisUrl }) => startChild({
      name,
      args: (port) => [cli, 'serve', '--engine', engine, '--port', String(port), '--host', '127.0.0.1'],
      env: { ...baseEnv(), ...blogServerEnv(databaseUrl, { tmpDir, redisUrl }, accessLog) },
      cwd: tmpDir,
    }),
  };
}

/** The settings every blog-server of the run gets (also the PM2 cluster's workers, bench/pm2.ts), besides PATH and HOME. */
export function blogServerEnv(databaseUrl: string, { tmpDir, redisUrl }: Pick<RunContext, 'tmpDir' | 'redisUrl'>, accessLog: 'off' | 'combined' = 'off'): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: sessionSecret,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    ...(redisUrl ? { REDIS_URL: redisUrl } : { SESSION_DB: join(tmpDir, 'sessions.db') }),
    // Sessions made by the run expire soon, also in a Redis that outlives it.
    SESSION_TTL: '600',
    ACCESS_LOG: accessLog,
    LOG_DIR: join(tmpDir, 'logs'),
    LOGIN_MAX_FAILURES: '10000',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
  };
}

/**
 * The framework a teaching engine (src/lib/like-*) imitates: its detail and list rows are set beside
 * that framework's, without a target — they show where the teaching version stands, not a goal.
 */
export function imitatedBy(engine: string): string | undefined {
  if (engine === 'like-express') return 'express';
  if (engine === 'like-koa') return 'koa';
  return undefined;
}

/** The bare framework app an engine is held against (issue 4: native vs minimal; issue 5: express, koa). */
export function referenceOf(engine: string, backend: BackendKind): ServerSpec | undefined {
  // `minimal-sqlite`, or the same server reading through mysql2 / pg on a network backend.
  if (engine === 'native') return reference(`minimal-${backend}`, 'minimal.ts');
  if (engine === 'express') return bareExpress;
  if (engine === 'koa') return bareKoa;
  return undefined;
}
