/**
 * The machine's database services for tests: is each one reachable, and a fresh MariaDB database,
 * PostgreSQL database or Redis key prefix per test server, dropped when it closes. Tests never
 * depend on what earlier runs left behind. Outside CI what needs an unreachable service is reported
 * as skipped, with the reason; with CI=true it fails the run, so nothing is skipped silently.
 *
 * TEST_MARIADB_URL, TEST_POSTGRES_URL and TEST_REDIS_URL point at other servers (admin rights needed).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createClient } from 'redis';
import type { RedisClient } from '../../src/connections/redis-client.ts';

export type Service = 'mariadb' | 'postgres' | 'redis';

export const serviceUrls: Readonly<Record<Service, string>> = {
  mariadb: process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test',
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

const defaultPorts: Record<Service, number> = { mariadb: 3306, postgres: 5432, redis: 6379 };

/** Host and port of a service, as `net.connect` takes them. */
export function serviceAddress(service: Service): { host: string; port: number } {
  const url = new URL(serviceUrls[service]);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? defaultPorts[service] : Number(url.port) };
}

const probed = new Map<Service, string | null>();

/**
 * TCP-probes the services not probed yet, all at once, in a child process: synchronous, so that the
 * contract matrix can stay a plain list built at import.
 */
function probe(services: readonly Service[]): void {
  const pending = services.filter((service) => !probed.has(service));
  if (pending.length === 0) return;
  const targets = pending.map(serviceAddress);
  const script = `const net = require('node:net');
    Promise.all(JSON.parse(process.argv[1]).map(({ host, port }) => new Promise((resolve) => {
      const socket = net.connect({ host, port, timeout: 2000 });
      socket.once('connect', () => { socket.destroy(); resolve(null); });
      socket.once('timeout', () => { socket.destroy(); resolve('no answer within 2 s'); });
      socket.once('error', (error) => resolve(error.message || error.code));
    }))).then((results) => process.stdout.write(JSON.stringify(results)));`;
  const result = spawnSync(process.execPath, ['-e', script, JSON.stringify(targets)], { encoding: 'utf8', timeout: 10_000 });
  const answers = result.status === 0 ? (JSON.parse(result.stdout) as (string | null)[]) : pending.map(() => `probe failed: ${result.stderr || String(result.error)}`);
  pending.forEach((service, index) => probed.set(service, answers[index] === undefined ? 'no answer' : answers[index]!));
}

/**
 * Why `needed` cannot all be used — each unreachable service with its address and the probe's
 * answer — or undefined when every one answers. With CI=true an unreachable service throws
 * instead, naming `what` would have been skipped: CI skips nothing.
 */
export function unreachableServices(needed: readonly Service[], what: string): string | undefined {
  probe(needed);
  const problems = needed.flatMap((service) => {
    const problem = probed.get(service);
    return problem === null || problem === undefined ? [] : [`${service} at ${serviceUrls[service]} is not reachable (${problem})`];
  });
  if (problems.length === 0) return undefined;
  const reason = problems.join('; ');
  if (process.env.CI === 'true') throw new Error(`${reason}: ${what} — CI needs every service (.ci/run starts them)`);
  return reason;
}

/**
 * The reason to skip `what`, which needs `services`, for `describe(name, { skip })`; undefined when
 * all are up. node 20's runner counts a skipped describe nowhere in its closing lines, so a skip
 * also registers one skipped test named `what` with the reason, and `# skipped` shows it.
 */
export function skipUnless(services: readonly Service[], what: string): string | undefined {
  const reason = unreachableServices(services, what);
  if (reason !== undefined) test(what, { skip: reason }, () => {});
  return reason;
}

export interface TestResource {
  /** The URL the server under test is given. */
  url: string;
  /** The database name or key prefix. */
  name: string;
  drop(): Promise<void>;
}

function uniqueName(): string {
  return `blog_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on an admin connection to the MariaDB service. */
export async function withMariadb<T>(work: (connection: mysql.Connection) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(serviceUrls.mariadb);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    charset: 'UTF8MB4_BIN',
    connectTimeout: 5_000,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/**
 * A new, empty MariaDB database. Its default character set is latin1 unless told otherwise, so the
 * tests prove that blog-server's tables are utf8mb4 whatever the database's default.
 */
export async function createMariadbDatabase(characterSet = 'latin1'): Promise<TestResource> {
  const name = uniqueName();
  await withMariadb((connection) => connection.query(`create database \`${name}\` character set ${characterSet}`));
  return {
    url: withDatabase(serviceUrls.mariadb, name),
    name,
    drop: () => withMariadb((connection) => connection.query(`drop database if exists \`${name}\``)).then(() => {}),
  };
}

/** Runs `work` on an admin connection to the PostgreSQL service. */
export async function withPostgres<T>(work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const client = new pg.Client({ connectionString: database === undefined ? serviceUrls.postgres : withDatabase(serviceUrls.postgres, database), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database. */
export async function createPostgresDatabase(): Promise<TestResource> {
  const name = uniqueName();
  await withPostgres((client) => client.query(`create database "${name}"`));
  return {
    url: withDatabase(serviceUrls.postgres, name),
    name,
    // FORCE: a server that failed to close its pool must not leave the database behind.
    drop: () => withPostgres((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}

/** Runs `work` with a short-lived client of the Redis service. */
export async function withRedis<T>(work: (client: RedisClient) => Promise<T>): Promise<T> {
  const client: RedisClient = createClient({ url: serviceUrls.redis, socket: { connectTimeout: 5_000, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

/** Every key under `prefix`, deleted. */
async function deleteRedisPrefix(prefix: string): Promise<number> {
  return withRedis(async (client) => {
    let deleted = 0;
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
    return deleted;
  });
}

/** A key prefix of its own on the Redis service, as a REDIS_URL carrying `?prefix=`. */
export async function createRedisPrefix(): Promise<TestResource> {
  const name = `${uniqueName()}:`;
  const url = new URL(serviceUrls.redis);
  url.searchParams.set('prefix', name);
  return { url: url.toString(), name, drop: () => deleteRedisPrefix(name).then(() => {}) };
}

/** A fresh database for a network storage of the matrix. */
export function createTestDatabase(storage: 'mariadb' | 'postgres'): Promise<TestResource> {
  return storage === 'mariadb' ? createMariadbDatabase() : createPostgresDatabase();
}
