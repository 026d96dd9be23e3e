/**
 * `npm run bench:ab -- A B [endpoint]`: two servers of the lineup (names as `npm run bench` prints
 * them: native, native+combined-log, minimal-sqlite, express, bare-express, …) started side by side
 * on one seeded database (100k posts, or `BENCH_DATASET`; SQLite, or a new database on the server of
 * `DATABASE_URL`, dropped at the end, as `npm run bench` does) and measured in turns — A, B, A, B… (BENCH_ROUNDS pairs of
 * BENCH_DURATION seconds, 2 s each by default) — so both see the same load from the rest of the
 * machine; both are started afresh every BENCH_AB_RESTART pairs (4; 0: never). Prints each pair and the
 * median of B ÷ A by req/s and by server CPU per request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build.ts';
import { cleanUpAll, onCleanup } from './cleanup.ts';
import { backendFor, datasetNames, datasetSizes } from './databases.ts';
import { endpointNames, endpoints, logIn, probe, type EndpointName } from './endpoints.ts';
import { blogServer, courseMysql, rawCeiling, referenceOf, type RunContext, type ServerSpec } from './lineup.ts';
import { measure, type Measurement } from './measure.ts';
import { readOptions } from './options.ts';
import { seedDatabase } from './seed.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function serverNamed(name: string): ServerSpec {
  if (name === rawCeiling.name) return rawCeiling;
  if (name === courseMysql.name) return courseMysql;
  const logged = /^(.+)\+combined-log$/.exec(name);
  if (logged?.[1] !== undefined) return blogServer(logged[1], 'combined');
  for (const engine of ['native', 'express', 'koa']) {
    for (const kind of ['sqlite', 'mysql', 'postgres'] as const) {
      const reference = referenceOf(engine, kind);
      if (reference?.name === name) return reference;
    }
  }
  return blogServer(name);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function main(): Promise<number> {
  const [nameA, nameB, endpointName = 'detail'] = process.argv.slice(2);
  if (nameA === undefined || nameB === undefined || !(endpointNames as readonly string[]).includes(endpointName)) {
    console.error(`usage: npm run bench:ab -- SERVER_A SERVER_B [${endpointNames.join('|')}]`);
    return 2;
  }
  const pairs = Number(process.env.BENCH_ROUNDS ?? 10);
  const seconds = Number(process.env.BENCH_DURATION ?? 2);
  const tmpDir = mkdtempSync(join(tmpdir(), 'blog-bench-ab-'));
  const removeTmp = () => rmSync(tmpDir, { recursive: true, force: true });
  onCleanup('temp dir', removeTmp, removeTmp);
  const cli = await ensureBuilt(root);
  const dataset = datasetNames.find((name) => name === (process.env.BENCH_DATASET ?? '100k'));
  if (dataset === undefined) throw new Error(`BENCH_DATASET: one of ${datasetNames.join(', ')}; got ${process.env.BENCH_DATASET}`);
  // As `npm run bench` reads it: a network DATABASE_URL, else SQLite files of the run's own.
  const backend = backendFor(readOptions(process.env).databaseUrl, tmpDir);
  const database = await seedDatabase(await backend.create(dataset), datasetSizes[dataset], { cli, tmpDir });
  const context: RunContext = { root, cli, tmpDir, redisUrl: undefined };
  const endpoint = endpoints[endpointName as EndpointName];
  // As `npm run bench` loads them: 10 connections for creates, 50 for reads.
  const connections = Number(process.env.BENCH_CONNECTIONS ?? (endpoint.load === 'write' ? 10 : 50));
  // Side by side, each needs its own LOG_DIR (a production server claims one with its PID file) and session file.
  const contextOf = (side: string): RunContext => ({ ...context, tmpDir: mkdtempSync(join(tmpDir, `${side}-`)) });
  /** Both servers started afresh, each with its own session for `create`, and their answers checked. */
  const startBoth = async () => {
    const servers = [await serverNamed(nameA).start(database.url, database.detailId, contextOf('a')), await serverNamed(nameB).start(database.url, database.detailId, contextOf('b'))];
    const contexts = await Promise.all(servers.map(async (server) => ({ detailId: database.detailId, cookie: endpoint.needsSession ? await logIn(server.baseUrl) : undefined })));
    for (const [index, server] of servers.entries()) {
      const problem = await probe(server.baseUrl, endpoint, contexts[index] ?? { detailId: database.detailId, cookie: undefined });
      if (problem !== undefined) throw new Error(`${server.name}: wrong answer: ${problem}`);
    }
    return { servers, contexts };
  };
  // Two processes of one build differ by a few % (where V8 and the allocator happened to put things):
  // fresh ones every few pairs, so that the median is not one process's luck.
  const restartEvery = Number(process.env.BENCH_AB_RESTART ?? 4);
  let { servers, contexts } = await startBoth();
  const load = { connections, durationSeconds: seconds, warmupSeconds: 1 };
  const rate: number[] = [];
  const cpu: number[] = [];
  console.log(`bench:ab ${nameA} vs ${nameB}, ${endpointName}, ${dataset} on ${backend.description}, ${pairs} pairs of ${seconds} s, ${connections} connections; load average ${loadavg().map((value) => value.toFixed(2)).join(' / ')}`);
  for (let pair = 0; pair < pairs; pair++) {
    if (pair > 0 && restartEvery > 0 && pair % restartEvery === 0) {
      for (const server of servers) await server.stop();
      ({ servers, contexts } = await startBoth());
      console.log('(both servers started afresh)');
    }
    const results: Measurement[] = [];
    for (const index of pair % 2 === 0 ? [0, 1] : [1, 0]) {
      const server = servers[index];
      const context = contexts[index];
      if (server !== undefined && context !== undefined) results.push(await measure(server.baseUrl, endpoint.request(context), load, server.cpuSeconds));
    }
    const [a, b] = pair % 2 === 0 ? results : [...results].reverse();
    if (a === undefined || b === undefined) continue;
    rate.push(b.requestsPerSecond / a.requestsPerSecond);
    if (a.cpuMicrosecondsPerRequest !== undefined && b.cpuMicrosecondsPerRequest !== undefined) cpu.push(a.cpuMicrosecondsPerRequest / b.cpuMicrosecondsPerRequest);
    const show = (m: Measurement) => `${Math.round(m.requestsPerSecond)} req/s ${m.cpuMicrosecondsPerRequest?.toFixed(1) ?? '?'} µs${m.failures > 0 ? ` ${m.failures} failed` : ''}`;
    console.log(`pair ${pair + 1}: A ${show(a)} | B ${show(b)} | B÷A ${(rate.at(-1) ?? 0).toFixed(3)}, by CPU ${(cpu.at(-1) ?? 0).toFixed(3)}`);
  }
  console.log(`median B÷A: req/s ${median(rate).toFixed(3)}, by server CPU/request ${median(cpu).toFixed(3)}; load average ${loadavg().map((value) => value.toFixed(2)).join(' / ')}`);
  for (const server of servers) await server.stop();
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
}
await cleanUpAll();
process.exit(code);
