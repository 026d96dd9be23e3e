/**
 * `npm run bench`: seeds the 1k and 100k databases, runs every server of the plan in its own process,
 * one at a time, measures each endpoint with autocannon, prints the table with its ratios and writes it
 * to bench/results/latest.md. Exits 0 whatever the ratios (a measurement), 1 when the harness could not
 * measure something, 2 on a bad option, 130 on Ctrl-C; cleans up children, temp files and databases.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_NAMES } from '../src/engines/index.ts';
import { maskUrl } from '../src/connections/mask-url.ts';
import { BACKUP_TOKEN, runBackupBench } from './backup.ts';
import { ensureBuilt } from './build.ts';
import { cleaningUp, cleanUpAll, onCleanup } from './cleanup.ts';
import { backendFor, datasetNames, datasetSizes, type DatasetName } from './databases.ts';
import { deploySelection, runDeployBench } from './deploy.ts';
import { endpoints, logIn, probe, type LoadKind } from './endpoints.ts';
import { imitatedBy, referenceOf, type RunContext } from './lineup.ts';
import { LOGS_TOKEN, runLogAnalysisBench } from './log-analysis.ts';
import { measure, stopMeasuring, type Load } from './measure.ts';
import { OptionsError, readOptions, type BenchOptions } from './options.ts';
import { filterPlan, fullPlan, PlanError, writes, type Step } from './plan.ts';
import { computeRatios, machineLine, medianRatios, mergeRounds, renderReport, verdict, type Row } from './report.ts';
import { seedDatabase, type SeededDatabase } from './seed.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function loadFor(kind: LoadKind, options: BenchOptions): Load {
  switch (kind) {
    case 'read':
      return { connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds };
    case 'login':
      // scrypt costs ~180 ms a hash by design: a few connections saturate it.
      return { connections: 4, durationSeconds: Math.max(4, Math.ceil(options.durationSeconds / 2)), warmupSeconds: 1 };
    case 'write':
      return { connections: 10, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds };
  }
}

function describeLoad(options: BenchOptions): string {
  const version = (JSON.parse(readFileSync(join(root, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version;
  const text = (kind: LoadKind) => {
    const load = loadFor(kind, options);
    return `${load.connections} connections, ${load.durationSeconds} s after a ${load.warmupSeconds} s warm-up`;
  };
  const rounds = options.rounds > 1 ? `; every row is the median of ${options.rounds} rounds (all rounds of reads, then all rounds of writes), every ratio the median of its ${options.rounds} per-round values` : '';
  return `autocannon ${version} in the harness process, pipelining 1, one server at a time in its own process; reads: ${text('read')}; login: ${text('login')}; create: ${text('write')}${rounds}`;
}

const oneLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

async function runStep(step: Step, database: SeededDatabase, context: RunContext, options: BenchOptions): Promise<Row[]> {
  const rows: Row[] = step.endpoints.map((name) => ({
    server: step.server.name,
    endpoint: name,
    label: endpoints[name].label,
    dataset: step.dataset,
    connections: loadFor(endpoints[name].load, options).connections,
  }));
  let server;
  try {
    server = await step.server.start(database.url, database.detailId, context);
  } catch (error) {
    if (cleaningUp()) throw error;
    console.error(String(error instanceof Error ? error.message : error));
    for (const row of rows) row.problem = 'the server did not start';
    return rows;
  }
  try {
    for (const row of rows) {
      const endpoint = endpoints[row.endpoint];
      try {
        const endpointContext = { detailId: database.detailId, cookie: endpoint.needsSession ? await logIn(server.baseUrl) : undefined };
        const problem = await probe(server.baseUrl, endpoint, endpointContext);
        if (problem !== undefined) throw new Error(`wrong answer: ${problem}`);
        row.result = await measure(server.baseUrl, endpoint.request(endpointContext), loadFor(endpoint.load, options), server.cpuSeconds);
        const { requestsPerSecond, p50Ms, p99Ms, failures, cpuMicrosecondsPerRequest: cpu } = row.result;
        console.log(`bench: ${row.server} ${row.endpoint} ${row.dataset}: ${Math.round(requestsPerSecond)} req/s, p50 ${p50Ms} ms, p99 ${p99Ms} ms${cpu === undefined ? '' : `, ${Math.round(cpu)} µs CPU/req`}${failures > 0 ? `, ${failures} failed` : ''}`);
      } catch (error) {
        if (cleaningUp()) throw error;
        row.problem = oneLine(error);
        console.error(`bench: ${row.server} ${row.endpoint} ${row.dataset}: ${row.problem}`);
      }
    }
  } finally {
    await server.stop();
  }
  return rows;
}

async function main(): Promise<number> {
  const options = readOptions(process.env);
  const startLoad = loadavg();
  const tmpDir = mkdtempSync(join(tmpdir(), 'blog-bench-'));
  const removeTmp = () => rmSync(tmpDir, { recursive: true, force: true });
  onCleanup('temp dir', removeTmp, removeTmp);

  // BENCH_ONLY=backup runs the backup, restore and copy benchmark alone (bench/backup.ts).
  if (options.only.includes(BACKUP_TOKEN)) {
    const { section, failed } = await runBackupBench({ blogs: 100_000, cli: await ensureBuilt(root), tmpDir });
    console.log(section);
    return failed ? 1 : 0;
  }
  // The log-analysis benchmark runs after the others; BENCH_ONLY=logs runs it alone (bench/log-analysis.ts).
  const only = options.only.filter((token) => token !== LOGS_TOKEN);
  const logs = options.only.length === 0 || only.length < options.only.length;
  if (options.only.length > 0 && only.length === 0) return runLogAnalysisBench({ root, cli: await ensureBuilt(root), tmpDir, rounds: options.rounds });
  const backend = backendFor(options.databaseUrl, tmpDir);
  const engines = ENGINE_NAMES.map((engine) => ({ engine, reference: referenceOf(engine, backend.kind)?.name, imitates: imitatedBy(engine) }));
  // BENCH_ONLY=deploy selects the deployment benchmark (bench/deploy.ts); other tokens filter the plan.
  const { deploy, planOnly } = deploySelection(only);
  const steps = planOnly === undefined ? [] : filterPlan(fullPlan(ENGINE_NAMES, backend.kind), planOnly);
  if (steps.length === 0 && !deploy) throw new PlanError('BENCH_ONLY leaves nothing to measure');
  const sessions = options.redisUrl ? `Redis at ${maskUrl(options.redisUrl)}` : 'SQLite file in the temp dir';
  console.log(`bench: ${machineLine()}\nbench: backend ${backend.description}; sessions ${sessions}; engines ${ENGINE_NAMES.join(', ')}`);

  const cli = await ensureBuilt(root);
  const context: RunContext = { root, cli, tmpDir, redisUrl: options.redisUrl };
  const seeded = new Map<DatasetName, SeededDatabase>();
  for (const dataset of datasetNames.filter((name) => steps.some((step) => step.dataset === name) || (deploy && name === '100k'))) {
    const started = Date.now();
    const url = await backend.create(dataset);
    seeded.set(dataset, await seedDatabase(url, datasetSizes[dataset], { cli, tmpDir }));
    console.log(`bench: seeded ${dataset} (${datasetSizes[dataset].toLocaleString('en-US')} blogs) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const rounds: Row[][] = Array.from({ length: options.rounds }, () => []);
  // Every round of reads first, then the writes: reads only ever see the seeded rows.
  for (const phase of [steps.filter((step) => !writes(step)), steps.filter(writes)]) {
    for (const [index, roundRows] of rounds.entries()) {
      if (options.rounds > 1 && phase.length > 0) console.log(`bench: round ${index + 1} of ${options.rounds}${writes(phase[0] as Step) ? ' (writes)' : ''}`);
      for (const step of phase) {
        const database = seeded.get(step.dataset);
        if (!database) throw new Error(`bench: dataset ${step.dataset} was not seeded`);
        roundRows.push(...(await runStep(step, database, context, options)));
      }
    }
  }
  const deployDatabase = seeded.get('100k');
  const deployed = deploy && deployDatabase ? await runDeployBench(deployDatabase, context, loadFor('read', options)) : { section: '', failed: false };
  const deploySection = deployed.section;
  const rows = mergeRounds(rounds.flat());
  // A ratio compares rows measured minutes apart at most: take it within each round, then the median.
  const ratios = medianRatios(rounds.map((roundRows) => computeRatios(roundRows, engines)));
  const datasets = [...seeded.entries()].map(([name, database]) => `${name} = ${database.blogs.toLocaleString('en-US')} blogs (detail reads id ${database.detailId})`);
  const report = renderReport({
    backend: `${backend.description}; the reference servers read the same database with a prepared statement`,
    sessions,
    load: describeLoad(options),
    datasets: `${datasets.join(', ')}; 1–2 KB of English and Chinese text each, authors zhangsan, lisi, wangwu, zhaoliu, increasing createtime`,
    startLoad,
    endLoad: loadavg(),
  }, rows, ratios);
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.md'), `${report}\n${deploySection}`);
  console.log(`\n${report}\n${deploySection}\nbench: written to bench/results/latest.md`);
  const failed = ratios.filter((ratio) => verdict(ratio) === 'FAIL').map((ratio) => ratio.name);
  if (failed.length > 0) console.log(`bench: below target (a measurement, not a harness failure): ${failed.join('; ')}`);
  const logsCode = logs ? await runLogAnalysisBench({ root, cli, tmpDir, rounds: options.rounds }) : 0;
  return rows.some((row) => row.problem !== undefined) || deployed.failed || logsCode !== 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\nbench: ${signal}, stopping and cleaning up (again to quit at once)`);
    stopMeasuring();
    void cleanUpAll().finally(() => process.exit(130));
  });
}

let code: number;
try {
  code = await main();
} catch (error) {
  if (interrupted) await new Promise(() => {}); // the signal handler exits
  console.error(error instanceof OptionsError || error instanceof PlanError ? `bench: ${error.message}` : error);
  code = error instanceof OptionsError || error instanceof PlanError ? 2 : 1;
}
if (!interrupted) {
  await cleanUpAll();
  process.exit(code);
}
