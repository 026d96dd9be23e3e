/** The results as markdown: the machine and settings, one row per measurement, the ratios with their targets. */
import { cpus, release, type } from 'node:os';
import type { DatasetName } from './databases.ts';
import type { EndpointName } from './endpoints.ts';
import type { Measurement } from './measure.ts';

export interface Row {
  server: string;
  endpoint: EndpointName;
  label: string;
  dataset: DatasetName;
  connections: number;
  result?: Measurement;
  /** Why there is no result (the server did not start, a probe answer was wrong). */
  problem?: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** One row per server, endpoint and dataset: the median of each figure over the rounds, failures summed. */
export function mergeRounds(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.server}\u0000${row.endpoint}\u0000${row.dataset}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as Row;
    const problem = group.find((row) => row.problem !== undefined)?.problem;
    const results = group.flatMap((row) => (row.result ? [row.result] : []));
    if (problem !== undefined || results.length === 0) return { ...first, result: undefined, problem: problem ?? 'not measured' };
    const cpu = results.flatMap((result) => (result.cpuMicrosecondsPerRequest === undefined ? [] : [result.cpuMicrosecondsPerRequest]));
    const generator = results.flatMap((result) => (result.loadGeneratorMicrosecondsPerRequest === undefined ? [] : [result.loadGeneratorMicrosecondsPerRequest]));
    return {
      ...first,
      result: {
        requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
        p50Ms: median(results.map((result) => result.p50Ms)),
        p99Ms: median(results.map((result) => result.p99Ms)),
        requests: results.reduce((sum, result) => sum + result.requests, 0),
        failures: results.reduce((sum, result) => sum + result.failures, 0),
        cpuMicrosecondsPerRequest: cpu.length === results.length ? median(cpu) : undefined,
        loadGeneratorMicrosecondsPerRequest: generator.length === results.length ? median(generator) : undefined,
      },
    };
  });
}

export interface Ratio {
  name: string;
  /** req/s of one row over req/s of the other: what the targets are about. */
  value: number | undefined;
  /** Server CPU µs per request, the other way round: the same comparison, less sensitive to other work on the machine. */
  cpuValue: number | undefined;
  /** The lowest passing `value`; undefined for an informative ratio. */
  target: number | undefined;
}

export interface ReportHeader {
  backend: string;
  sessions: string;
  load: string;
  datasets: string;
  startLoad: readonly number[];
  endLoad: readonly number[];
}

/** CPU model, cores, OS and Node version, for the top of the report. */
export function machineLine(): string {
  const processors = cpus();
  return `${processors[0]?.model.trim() ?? 'unknown CPU'}, ${processors.length} cores, ${type()} ${release()}, Node ${process.version}`;
}

function find(rows: readonly Row[], server: string, endpoint: EndpointName, dataset: DatasetName): Row | undefined {
  return rows.find((row) => row.server === server && row.endpoint === endpoint && row.dataset === dataset);
}

function divide(top: number | undefined, bottom: number | undefined): number | undefined {
  return top === undefined || bottom === undefined || bottom === 0 ? undefined : top / bottom;
}

/** `top` against `bottom`: req/s over req/s, and CPU per request the other way round (both: higher is better for `top`). */
function compare(name: string, top: Row | undefined, bottom: Row | undefined, target: number | undefined): Ratio {
  return {
    name,
    value: divide(top?.result?.requestsPerSecond, bottom?.result?.requestsPerSecond),
    cpuValue: divide(bottom?.result?.cpuMicrosecondsPerRequest, top?.result?.cpuMicrosecondsPerRequest),
    target,
  };
}

/** An engine of the run: the bare app it is held against, and the framework it imitates (teaching engines). */
export interface EngineEntry {
  engine: string;
  reference: string | undefined;
  imitates?: string | undefined;
}

/**
 * (a) every detail read against the raw ceiling; (b, c) each engine's detail (and native's list
 * pages) against its bare app, at each size, targets of issue 20; (d) one list page at 100k against 1k, target 80 %; the cost of the combined access log, target 95 %;
 * each teaching engine's detail and list against the framework it imitates, without a target.
 */
export function computeRatios(rows: readonly Row[], engines: readonly EngineEntry[]): Ratio[] {
  const ratios: Ratio[] = [];
  const ceiling = find(rows, 'raw-ceiling', 'detail', '100k');
  if (ceiling) {
    for (const row of rows) {
      if (row.endpoint !== 'detail' || row.dataset !== '100k' || row === ceiling) continue;
      ratios.push(compare(`${row.server} detail ÷ raw-ceiling`, row, ceiling, undefined));
    }
  }
  for (const { engine, reference } of engines) {
    if (reference === undefined) continue;
    // Issue 20: 90 % of the bare server on SQLite, 85 % on a network database; one list page 80 % (SQLite) / 85 %.
    const network = !reference.endsWith('-sqlite') && reference.startsWith('minimal-');
    for (const dataset of ['100k', '1k'] as const) {
      for (const endpoint of ['detail', 'list', 'list-author'] as const) {
        const top = find(rows, engine, endpoint, dataset);
        const bottom = find(rows, reference, endpoint, dataset);
        const target = endpoint === 'detail' ? (network ? 0.85 : 0.9) : network ? 0.85 : 0.8;
        if (top && bottom) ratios.push(compare(`${engine} ${endpoint} ${dataset} ÷ ${reference}`, top, bottom, target));
      }
    }
  }
  for (const { engine } of engines) {
    for (const endpoint of ['list', 'list-author'] as const) {
      const top = find(rows, engine, endpoint, '100k');
      const bottom = find(rows, engine, endpoint, '1k');
      if (top || bottom) ratios.push(compare(`${engine} ${endpoint} 100k ÷ 1k`, top, bottom, 0.8));
    }
  }
  for (const { engine, imitates } of engines) {
    if (imitates === undefined) continue;
    for (const endpoint of ['detail', 'list'] as const) {
      const top = find(rows, engine, endpoint, '100k');
      const bottom = find(rows, imitates, endpoint, '100k');
      if (top || bottom) ratios.push(compare(`${engine} ${endpoint} ÷ ${imitates} ${endpoint}`, top, bottom, undefined));
    }
  }
  for (const row of rows) {
    const engine = /^(.+)\+(\w+)-log$/.exec(row.server)?.[1];
    if (engine === undefined || row.endpoint !== 'detail') continue;
    // Issue 12: writing the combined access log costs at most 5 % of detail throughput.
    ratios.push(compare(`${row.server} detail ÷ ${engine} detail (access-log cost)`, row, find(rows, engine, 'detail', row.dataset), 0.95));
  }
  const course = find(rows, 'course-mysql', 'create', '100k');
  // Issue 20: creates at least as fast as the course's native server writing to MariaDB.
  if (course) ratios.push(compare('native create ÷ course-mysql create', find(rows, 'native', 'create', '100k'), course, 1));
  return ratios;
}

/** The median of each ratio over the rounds; undefined when a round could not compute it. */
export function medianRatios(rounds: readonly (readonly Ratio[])[]): Ratio[] {
  const [first = []] = rounds;
  const over = (values: (number | undefined)[]) => (values.some((value) => value === undefined) ? undefined : median(values as number[]));
  return first.map((ratio) => {
    const same = rounds.map((ratios) => ratios.find((candidate) => candidate.name === ratio.name));
    return {
      ...ratio,
      value: over(same.map((candidate) => candidate?.value)),
      cpuValue: over(same.map((candidate) => candidate?.cpuValue)),
    };
  });
}

export function verdict(ratio: Ratio): 'PASS' | 'FAIL' | 'n/a' | '' {
  if (ratio.target === undefined) return '';
  if (ratio.value === undefined) return 'n/a';
  return ratio.value >= ratio.target ? 'PASS' : 'FAIL';
}

const loadText = (load: readonly number[]) => load.map((value) => value.toFixed(2)).join(' / ');
/** Before the run starts, more runnable work than half the cores: someone else is using the machine. */
const busy = (load: readonly number[]) => (load[0] ?? 0) > cpus().length / 2;
const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${(value * 100).toFixed(1)} %`);
const milliseconds = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));

export function renderReport(header: ReportHeader, rows: readonly Row[], ratios: readonly Ratio[]): string {
  const lines = [
    '# blog-server benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machineLine()}; load average (1/5/15 min) ${loadText(header.startLoad)} at start, ${loadText(header.endLoad)} at the end`,
    ...(busy(header.startLoad) ? ['- **The machine was busy with other work when the run started (load average above half the cores): numbers are lower and noisier than on an idle machine.**'] : []),
    `- Backend: ${header.backend}; blog-server sessions: ${header.sessions}`,
    `- Datasets: ${header.datasets}`,
    `- Load: ${header.load}`,
    '- Access logs: off for every server (`ACCESS_LOG=off`), except rows named `<engine>+combined-log`.',
    '',
    '| server | endpoint | dataset | conns | req/s | p50 ms | p99 ms | server CPU µs/req | wrk CPU µs/req | failed |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const cells = row.result
      ? [
          Math.round(row.result.requestsPerSecond).toLocaleString('en-US'),
          milliseconds(row.result.p50Ms),
          milliseconds(row.result.p99Ms),
          row.result.cpuMicrosecondsPerRequest === undefined ? '' : Math.round(row.result.cpuMicrosecondsPerRequest).toLocaleString('en-US'),
          row.result.loadGeneratorMicrosecondsPerRequest === undefined ? '' : Math.round(row.result.loadGeneratorMicrosecondsPerRequest).toLocaleString('en-US'),
          String(row.result.failures),
        ]
      : [`— ${(row.problem ?? 'not measured').replace(/[|\n]/g, ' ')}`, '', '', '', '', ''];
    lines.push(`| ${row.server} | ${row.label} | ${row.dataset} | ${row.connections} | ${cells.join(' | ')} |`);
  }
  lines.push('', '| ratio (same run) | req/s | target | result | by server CPU/req |', '|---|--:|--:|---|--:|');
  for (const ratio of ratios) {
    const target = ratio.target === undefined ? '' : `≥ ${(ratio.target * 100).toFixed(0)} %`;
    lines.push(`| ${ratio.name} | ${percent(ratio.value)} | ${target} | ${verdict(ratio)} | ${percent(ratio.cpuValue)} |`);
  }
  return `${lines.join('\n')}\n`;
}
