/**
 * The log-analysis benchmark: generates one realistic combined access log of at least
 * BENCH_LOG_MB megabytes (default 1100, so ≥ 1 GB) in the run's temp dir, then times
 * `blog-server logs analyze --json` and GoAccess (`-o report.json`, the same kind of output) on that
 * file in the same run, alternating, BENCH_ROUNDS times each. Wall and CPU time and peak RSS come
 * from GNU time (`/usr/bin/time`, Debian package `time`) around each whole process. Both reports
 * must agree on total requests and unique visitors, or the row says so. Targets (issue 12): faster
 * than GoAccess, peak RSS ≤ 100 MB. Run alone: `node --import tsx bench/log-analysis.ts`, or as part
 * of `npm run bench` (BENCH_ONLY=logs selects it alone; other BENCH_ONLY names leave it out).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeRealisticLog } from '../test/helpers/access-log-generator.ts';
import { readOptions } from './options.ts';
import { machineLine } from './report.ts';

/** The BENCH_ONLY name of this benchmark. */
export const LOGS_TOKEN = 'logs';
const TARGET_RSS_MB = 100;
const GOACCESS_FORMAT = ['--log-format=%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %L', '--date-format=%d/%b/%Y', '--time-format=%T'];

interface Timed {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

interface ToolResult {
  name: string;
  command: string;
  runs: Timed[];
  lines: number | undefined;
  visitors: number | undefined;
  problem?: string;
}

/** Runs `command` under GNU time; resolves with its figures once it exited 0. */
function timed(command: string, args: readonly string[], cwd: string): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH-TIME %e %U %S %M', command, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const figures = /BENCH-TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      if (code !== 0 || figures === null) {
        reject(new Error(`${command} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      const [, wall, user, system, rssKb] = figures.map(Number) as [number, number, number, number, number];
      resolvePromise({ wallSeconds: wall, cpuSeconds: user + system, peakRssMb: rssKb / 1024 });
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

function sizeOption(env: NodeJS.ProcessEnv): number {
  const raw = env.BENCH_LOG_MB?.trim();
  if (raw === undefined || raw === '') return 1100;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new Error(`BENCH_LOG_MB: expected a whole number of megabytes from 1 to 100000, got "${raw}"`);
  return value;
}

export interface LogBenchOptions {
  readonly root: string;
  readonly cli: string;
  /** Where the log is generated; removed by whoever made it. */
  readonly tmpDir: string;
  readonly rounds: number;
}

/** Runs the benchmark, prints its table, writes it to bench/results/log-analysis.md; 1 if something could not be measured. */
export async function runLogAnalysisBench({ root, cli, tmpDir, rounds }: LogBenchOptions): Promise<number> {
  const startLoad = loadavg();
  const megabytes = sizeOption(process.env);
  if (!existsSync('/usr/bin/time')) throw new Error('bench: /usr/bin/time is missing (apt-get install -y time)');
  const log = join(tmpDir, 'access.log');
  const started = Date.now();
  const lines = await writeRealisticLog(log, megabytes * 1_000_000, { seed: 7, start: Date.UTC(2026, 10, 24), stepMs: 120, addresses: 50_000 });
  const bytes = statSync(log).size;
  console.log(`bench: generated ${log}: ${(bytes / 1e9).toFixed(2)} GB, ${lines.toLocaleString('en-US')} lines, in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  try {
    return await measureBoth(root, cli, tmpDir, rounds, { log, bytes, lines, startLoad });
  } finally {
    rmSync(log, { force: true });
  }
}

async function measureBoth(root: string, cli: string, tmpDir: string, rounds: number, run: { log: string; bytes: number; lines: number; startLoad: number[] }): Promise<number> {
  const { log, bytes, lines, startLoad } = run;
  const oursOut = join(tmpDir, 'ours.json');
  let days: number | undefined;
  const goaccessOut = join(tmpDir, 'goaccess.json');
  const ours: ToolResult = { name: 'blog-server logs analyze', command: 'blog-server logs analyze access.log --json', runs: [], lines: undefined, visitors: undefined };
  const goaccess: ToolResult = { name: `GoAccess ${goaccessVersion()}`, command: `goaccess access.log ${GOACCESS_FORMAT.map((arg) => `'${arg}'`).join(' ')} -q -o report.json`, runs: [], lines: undefined, visitors: undefined };
  for (let round = 0; round < rounds; round++) {
    for (const [tool, run] of [
      [ours, () => timed('/bin/sh', ['-c', `exec "${process.execPath}" "${cli}" logs analyze "${log}" --json > "${oursOut}"`], root)],
      [goaccess, () => timed('goaccess', [log, ...GOACCESS_FORMAT, '-q', '--no-global-config', '--no-progress', '-o', goaccessOut], tmpDir)],
    ] as const) {
      if (tool.problem !== undefined) continue;
      try {
        const figures = await run();
        tool.runs.push(figures);
        console.log(`bench: ${tool.name}: ${figures.wallSeconds.toFixed(1)} s, ${Math.round(lines / figures.wallSeconds).toLocaleString('en-US')} lines/s, peak RSS ${figures.peakRssMb.toFixed(0)} MB`);
      } catch (error) {
        tool.problem = error instanceof Error ? error.message : String(error);
        console.error(`bench: ${tool.name}: ${tool.problem}`);
      }
    }
  }
  if (ours.problem === undefined) {
    const report = JSON.parse(readFileSync(oursOut, 'utf8')) as { totals: { lines: number; uniqueVisitors: number }; days: unknown[] };
    ours.lines = report.totals.lines;
    days = report.days.length;
    ours.visitors = report.totals.uniqueVisitors;
  }
  if (goaccess.problem === undefined) {
    const report = JSON.parse(readFileSync(goaccessOut, 'utf8')) as { general: { total_requests: number; unique_visitors: number } };
    goaccess.lines = report.general.total_requests;
    goaccess.visitors = report.general.unique_visitors;
  }
  const table = renderTable({ bytes, lines, days, rounds, startLoad, endLoad: loadavg() }, ours, goaccess);
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'log-analysis.md'), table);
  console.log(`\n${table}\nbench: written to bench/results/log-analysis.md`);
  return ours.problem !== undefined || goaccess.problem !== undefined ? 1 : 0;
}

function goaccessVersion(): string {
  try {
    // `goaccess --version` prints "GoAccess - 1.7." first.
    return /(\d+\.\d+(\.\d+)?)/.exec(execFileSync('goaccess', ['--version'], { encoding: 'utf8' }))?.[1] ?? '';
  } catch {
    return '';
  }
}

function renderTable(run: { bytes: number; lines: number; days: number | undefined; rounds: number; startLoad: number[]; endLoad: number[] }, ours: ToolResult, goaccess: ToolResult): string {
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');
  const row = (tool: ToolResult) => {
    if (tool.runs.length === 0) return `| ${tool.name} | – | – | – | – | ${tool.problem ?? 'not run'} |`;
    const wall = median(tool.runs.map((figures) => figures.wallSeconds));
    const cpu = median(tool.runs.map((figures) => figures.cpuSeconds));
    const rss = Math.max(...tool.runs.map((figures) => figures.peakRssMb));
    return `| ${tool.name} | ${wall.toFixed(1)} | ${cpu.toFixed(1)} | ${Math.round(run.lines / wall).toLocaleString('en-US')} | ${rss.toFixed(0)} | ${tool.lines?.toLocaleString('en-US') ?? '–'} lines, ${tool.visitors?.toLocaleString('en-US') ?? '–'} unique visitors |`;
  };
  const lines: string[] = [
    `### Log analysis: ${(run.bytes / 1e9).toFixed(2)} GB, ${run.lines.toLocaleString('en-US')} lines`,
    '',
    `- Machine: ${machineLine()}; load average (1/5/15 min) ${load(run.startLoad)} at start, ${load(run.endLoad)} at the end`,
    ...((run.startLoad[0] ?? 0) > cpus().length / 2 ? ['- **The machine was busy with other work when the run started: both tools ran slower and noisier than on an idle machine.**'] : []),
    `- Log: generated by \`test/helpers/access-log-generator.ts\` (seed 7): blog-server's combined + response-time lines over ${run.days ?? '?'} days (busier by day than by night), 50,000 addresses, 13 user agents (4 crawlers), query strings, 404 probes, referrers`,
    `- Each tool ${run.rounds === 1 ? 'once' : `${run.rounds} times, alternating; medians of wall and CPU time, the largest peak RSS`}; whole processes under GNU time; both write a JSON report`,
    `- Commands: \`${ours.command}\` and \`${goaccess.command}\``,
    '',
    '| tool | wall s | CPU s | lines/s (wall) | peak RSS MB | figures |',
    '|---|---:|---:|---:|---:|---|',
    row(ours),
    row(goaccess),
  ];
  if (ours.runs.length > 0 && goaccess.runs.length > 0) {
    const speed = median(goaccess.runs.map((figures) => figures.wallSeconds)) / median(ours.runs.map((figures) => figures.wallSeconds));
    const cpuSpeed = median(goaccess.runs.map((figures) => figures.cpuSeconds)) / median(ours.runs.map((figures) => figures.cpuSeconds));
    const rss = Math.max(...ours.runs.map((figures) => figures.peakRssMb));
    const agree = ours.lines === goaccess.lines && ours.visitors === goaccess.visitors;
    lines.push(
      '',
      '| target | measured | verdict |',
      '|---|---:|---|',
      `| faster than GoAccess (its wall time ÷ ours > 1) | ${speed.toFixed(1)}× | ${speed > 1 ? 'PASS' : 'FAIL'} |`,
      `| (the same by CPU time, less sensitive to a busy machine) | ${cpuSpeed.toFixed(1)}× | |`,
      `| blog-server peak RSS ≤ ${TARGET_RSS_MB} MB | ${rss.toFixed(0)} MB | ${rss <= TARGET_RSS_MB ? 'PASS' : 'FAIL'} |`,
      `| same total requests and unique visitors as GoAccess | ${agree ? 'same' : 'different'} | ${agree ? 'PASS' : 'FAIL'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ensureBuilt } = await import('./build.ts');
  const tmpDir = mkdtempSync(join(tmpdir(), 'blog-bench-logs-'));
  let code = 1;
  try {
    code = await runLogAnalysisBench({ root, cli: await ensureBuilt(root), tmpDir, rounds: readOptions(process.env).rounds });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  process.exit(code);
}
