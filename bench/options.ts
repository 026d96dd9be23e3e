/** The harness's settings, from environment variables (see docs/benchmark.md). */

export interface BenchOptions {
  /** Measured seconds per endpoint (`BENCH_DURATION`). @default 8 */
  durationSeconds: number;
  /** Unmeasured seconds before each measurement. @default 2 */
  warmupSeconds: number;
  /** Concurrent connections for reads (`BENCH_CONNECTIONS`). @default 50 */
  connections: number;
  /** Times the plan runs; each row reports the median (`BENCH_ROUNDS`). @default 1 */
  rounds: number;
  /** `BENCH_ONLY`: endpoint, server and dataset names to keep; empty keeps everything. */
  only: string[];
  /** `DATABASE_URL` when it names a MySQL/MariaDB or PostgreSQL server; SQLite temp files otherwise. */
  databaseUrl: string | undefined;
  /** `REDIS_URL`: blog-server keeps its sessions there. */
  redisUrl: string | undefined;
}

export class OptionsError extends Error {}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new OptionsError(`${name}: expected a whole number from 1 to ${max}, got "${raw}"`);
  return value;
}

/** Whether `url` names a network database (anything else is treated as SQLite and replaced by temp files). */
function isNetworkDatabase(url: string): boolean {
  return /^(mysql|mariadb|postgres|postgresql):\/\//i.test(url);
}

export function readOptions(env: NodeJS.ProcessEnv): BenchOptions {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) throw new OptionsError(`REDIS_URL: expected redis:// or rediss://, got "${redisUrl}"`);
  return {
    durationSeconds: positive(env, 'BENCH_DURATION', 8, 3_600),
    warmupSeconds: 2,
    connections: positive(env, 'BENCH_CONNECTIONS', 50, 1_000),
    rounds: positive(env, 'BENCH_ROUNDS', 1, 20),
    only: (env.BENCH_ONLY ?? '').split(',').map((token) => token.trim()).filter((token) => token !== ''),
    databaseUrl: databaseUrl !== undefined && isNetworkDatabase(databaseUrl) ? databaseUrl : undefined,
    redisUrl,
  };
}
