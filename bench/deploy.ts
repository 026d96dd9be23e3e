/**
 * The deployment benchmark (`BENCH_ONLY=deploy`, and part of the full run): the detail read of the
 * 100k dataset through nginx → a PM2 cluster of two workers, beside nginx → one process and the
 * process alone, one after the other in one run. nginx runs from the configuration `blog-server
 * deploy nginx` prints (as the README's guide deploys it), in a temp prefix; PM2 from
 * deploy/ecosystem.config.cjs, as `npm run prd` starts it (bench/pm2.ts). Besides req/s it reports
 * the CPU each part used per request (from /proc/<pid>/stat): the blog-server processes (PM2's
 * workers), PM2's daemon (node:cluster's primary, which accepts the connections and hands them to
 * the workers), nginx's master and workers, and the load generator (wrk, its own process) —
 * on 2 cores they all share, so the split says where the time goes.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleaningUp, onCleanup } from './cleanup.ts';
import type { SeededDatabase } from './seed.ts';
import { endpoints, probe } from './endpoints.ts';
import { blogServer, type RunContext } from './lineup.ts';
import { measure, type Load, type Measurement } from './measure.ts';
import { startPm2Cluster } from './pm2.ts';
import { runCommand } from './processes.ts';
import { childrenOf, cpuOf, freePort } from './proc.ts';

/** The BENCH_ONLY token that selects this benchmark. */
export const deployToken = 'deploy';

const nginxBinary = '/usr/sbin/nginx';

interface Part {
  name: string;
  /** CPU seconds so far of every process of the part. */
  cpuSeconds(): number;
}

interface Setup {
  name: string;
  measurement: Measurement;
  /** CPU µs per answer of each part, in the order of `partNames`. */
  cpu: Record<string, number>;
}

const partNames = ['blog-server', 'PM2 daemon', 'nginx', 'load generator'] as const;

/** PM2_INSTANCES of the PM2 row: one worker per core of the 2-core machine it was written for. */
const pm2Workers = 2;
const pm2Row = `nginx → PM2, ${pm2Workers} workers`;




/** nginx from `blog-server deploy nginx` in a prefix of the run's temp dir, in front of `upstreams`. */
async function startNginx(upstreams: readonly { baseUrl: string }[], context: RunContext, label: string): Promise<{ baseUrl: string; part: Part; stop: () => Promise<void> }> {
  if (cleaningUp()) throw new Error('bench: not starting nginx, cleaning up');
  const prefix = join(context.tmpDir, `nginx-${label}`);
  const port = await freePort();
  const args = [context.cli, 'deploy', 'nginx', '--prefix', prefix, '--listen', `127.0.0.1:${port}`, ...upstreams.flatMap((server) => ['--upstream', new URL(server.baseUrl).host])];
  const config = await runCommand(process.execPath, args, { PATH: process.env.PATH, HOME: process.env.HOME, TRUST_PROXY: 'true' }, context.tmpDir);
  const file = join(prefix, 'nginx.conf');
  // runCommand gives stdout and stderr together: the configuration starts at its first comment.
  writeFileSync(file, config.slice(config.indexOf('# nginx in front of blog-server')));
  const child = spawn(nginxBinary, ['-p', prefix, '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = onCleanup(`nginx ${label}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGQUIT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }, () => void child.kill('SIGKILL'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(1_000) }).then(async (response) => (await response.arrayBuffer(), true), () => false);
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`bench: nginx did not start: ${output.trim() || '(no output)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const master = child.pid ?? 0;
  // Workers come and go only on reload; the list is read once, after start.
  const pids = [master, ...childrenOf(master)];
  return { baseUrl, part: { name: 'nginx', cpuSeconds: () => pids.reduce((sum, pid) => sum + cpuOf(pid), 0) }, stop };
}

function appPart(server: { cpuSeconds(): number | undefined }): Part {
  return { name: 'blog-server', cpuSeconds: () => server.cpuSeconds() ?? 0 };
}

function pidsPart(name: string, pids: readonly number[]): Part {
  return { name, cpuSeconds: () => pids.reduce((sum, pid) => sum + cpuOf(pid), 0) };
}

/** wrk runs in its own process, which has exited when the run ends: measure() reports its CPU itself. */
const harnessPart: Part = { name: 'load generator', cpuSeconds: () => 0 };

/** Measures one setup: detail reads at `baseUrl`, with the CPU of each part around the measured run. */
async function measureSetup(name: string, baseUrl: string, parts: readonly Part[], database: SeededDatabase, load: Load): Promise<Setup> {
  const endpoint = endpoints.detail;
  const context = { detailId: database.detailId, cookie: undefined };
  const problem = await probe(baseUrl, endpoint, context);
  if (problem !== undefined) throw new Error(`bench: ${name}: wrong answer: ${problem}`);
  // measure() reads one CPU figure around its measured run (after the warm-up); the per-part split is
  // read around the same run through that hook: called once before it and once after.
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  let calls = 0;
  const total = () => {
    const target = calls === 0 ? before : after;
    calls += 1;
    for (const part of parts) target.set(part.name, part.cpuSeconds());
    return parts.reduce((sum, part) => sum + (target.get(part.name) ?? 0), 0);
  };
  const measurement = await measure(baseUrl, endpoint.request(context), load, total);
  const cpu: Record<string, number> = {};
  for (const part of parts) cpu[part.name] = measurement.requests === 0 ? 0 : (((after.get(part.name) ?? 0) - (before.get(part.name) ?? 0)) * 1e6) / measurement.requests;
  if (parts.includes(harnessPart)) cpu[harnessPart.name] = measurement.loadGeneratorMicrosecondsPerRequest ?? 0;
  const { requestsPerSecond, p50Ms, p99Ms, failures } = measurement;
  console.log(`bench: ${name}: ${Math.round(requestsPerSecond)} req/s, p50 ${p50Ms} ms, p99 ${p99Ms} ms, CPU µs/req ${parts.map((part) => `${part.name} ${Math.round(cpu[part.name] ?? 0)}`).join(', ')}${failures > 0 ? `, ${failures} failed` : ''}`);
  return { name, measurement, cpu };
}

/**
 * Runs the three setups one after the other: the report's section (markdown), or, when one could not
 * be measured, a section saying why, and `failed`.
 */
export async function runDeployBench(database: SeededDatabase, context: RunContext, load: Load): Promise<{ section: string; failed: boolean }> {
  try {
    return { section: await measureSetups(database, context, load), failed: false };
  } catch (error) {
    if (cleaningUp()) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    console.error(`bench: deploy: ${reason}`);
    return { section: `## Deployment: detail through nginx\n\nNot measured: ${reason}\n`, failed: true };
  }
}

async function measureSetups(database: SeededDatabase, context: RunContext, load: Load): Promise<string> {
  const setups: Setup[] = [];
  const single = await blogServer('native').start(database.url, database.detailId, context);
  try {
    setups.push(await measureSetup('blog-server alone', single.baseUrl, [appPart(single), harnessPart], database, load));
    const proxy = await startNginx([single], context, 'one');
    try {
      setups.push(await measureSetup('nginx → 1 process', proxy.baseUrl, [appPart(single), proxy.part, harnessPart], database, load));
    } finally {
      await proxy.stop();
    }
  } finally {
    await single.stop();
  }
  const cluster = await startPm2Cluster(database.url, context, pm2Workers);
  try {
    console.log(`bench: PM2 workers ${cluster.workerPids.join(', ')}, daemon ${cluster.daemonPids.join(', ')}`);
    // One upstream: the workers share the port through node:cluster, as in production.
    const proxy = await startNginx([cluster], context, 'pm2');
    try {
      setups.push(await measureSetup(pm2Row, proxy.baseUrl, [pidsPart('blog-server', cluster.workerPids), pidsPart('PM2 daemon', cluster.daemonPids), proxy.part, harnessPart], database, load));
    } finally {
      await proxy.stop();
    }
    await cluster.checkUnchanged();
  } finally {
    await cluster.stop();
  }
  return renderDeploySection(setups, load);
}

const format = (value: number | undefined): string => (value === undefined ? '' : Math.round(value).toLocaleString('en-US'));

function renderDeploySection(setups: readonly Setup[], load: Load): string {
  const rows = setups.map((setup) => {
    const { requestsPerSecond, p50Ms, p99Ms, failures } = setup.measurement;
    const parts = partNames.map((name) => (name in setup.cpu ? format(setup.cpu[name]) : ''));
    const sum = Object.values(setup.cpu).reduce((total, value) => total + value, 0);
    return `| ${setup.name} | ${format(requestsPerSecond)} | ${p50Ms} | ${p99Ms} | ${failures} | ${parts.join(' | ')} | ${format(sum)} |`;
  });
  const rate = (name: string) => setups.find((setup) => setup.name === name)?.measurement.requestsPerSecond;
  const ratio = (over: string, under: string) => {
    const top = rate(over);
    const bottom = rate(under);
    return top === undefined || bottom === undefined || bottom === 0 ? 'n/a' : `${((top / bottom) * 100).toFixed(1)} %`;
  };
  return [
    '## Deployment: detail through nginx',
    '',
    `Detail read of the 100k dataset, ${load.connections} connections, ${load.durationSeconds} s after a ${load.warmupSeconds} s warm-up; nginx from \`blog-server deploy nginx\` (keep-alive upstream, access log on), blog-server native (\`ACCESS_LOG=off\`) on the same SQLite file; "${pm2Row}" is deploy/ecosystem.config.cjs started by PM2 (cluster mode, \`PM2_INSTANCES=${pm2Workers}\`), nginx's one upstream being the port the workers share. CPU is per answer, user + system, of every process of the part: blog-server is the one process or PM2's workers, PM2 daemon its God process (node:cluster's primary, which accepts the connections and hands them to the workers).`,
    '',
    `| setup | req/s | p50 ms | p99 ms | failed | CPU µs/req ${partNames.join(' | CPU µs/req ')} | CPU µs/req total |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    '| ratio, same run | measured |',
    '|---|--:|',
    `| nginx → 1 process ÷ alone | ${ratio('nginx → 1 process', 'blog-server alone')} |`,
    `| ${pm2Row} ÷ alone | ${ratio(pm2Row, 'blog-server alone')} |`,
    `| ${pm2Row} ÷ nginx → 1 process | ${ratio(pm2Row, 'nginx → 1 process')} |`,
    '',
  ].join('\n');
}
