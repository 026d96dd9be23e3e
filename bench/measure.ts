/**
 * One measurement with wrk (Debian's `wrk`, a C load generator: it needs a small share of a core where
 * a Node one takes about as much CPU as the server it measures): a warm-up run that is not counted,
 * then the measured run, with the server's CPU time read around it. Every answer is checked by the
 * Lua script (bench/wrk-script.ts): non-2xx, `errno` ≠ 0, connection errors and timeouts are failures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.ts';
import type { RequestSpec } from './endpoints.ts';
import { resultMarker, wrkScript } from './wrk-script.ts';

export interface Load {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers that were not 2xx or not `errno: 0`, plus connection errors and timeouts. */
  failures: number;
  /** The server's CPU time per answer, µs: steadier than req/s when other work shares the machine. */
  cpuMicrosecondsPerRequest: number | undefined;
  /** wrk's own CPU time per answer, µs (it shares the cores with the server). */
  loadGeneratorMicrosecondsPerRequest: number | undefined;
}

export const wrkBinary = '/usr/bin/wrk';

interface WrkResult {
  requests: number;
  durationUs: number;
  answers: number;
  non2xx: number;
  wrong: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
  cpuSeconds: number;
}

const running = new Set<ChildProcess>();
let scriptDir: string | undefined;

function scriptPath(request: RequestSpec): string {
  if (scriptDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'blog-bench-wrk-'));
    scriptDir = dir;
    const remove = () => rmSync(dir, { recursive: true, force: true });
    onCleanup('wrk scripts', remove, remove);
  }
  const file = join(scriptDir, `request-${running.size}-${Date.now()}.lua`);
  writeFileSync(file, wrkScript(request));
  return file;
}

function isResult(value: unknown): value is WrkResult {
  if (typeof value !== 'object' || value === null) return false;
  const fields = ['requests', 'durationUs', 'answers', 'non2xx', 'wrong', 'connect', 'read', 'write', 'timeout', 'p50Us', 'p99Us', 'cpuSeconds'];
  return fields.every((field) => typeof (value as Record<string, unknown>)[field] === 'number');
}

async function runWrk(url: string, script: string, connections: number, seconds: number): Promise<WrkResult> {
  // One thread: wrk drives tens of thousands of requests a second from one, and leaves the other core to the server.
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '30s', '-s', script, url];
  const child = spawn(wrkBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const [code, signal] = (await Promise.race([
    once(child, 'exit'),
    once(child, 'error').then(([error]) => Promise.reject(new Error(`bench: cannot run ${wrkBinary} (install Debian's wrk): ${String(error)}`))),
  ])) as [number | null, string | null];
  running.delete(child);
  const line = output.split('\n').find((text) => text.startsWith(resultMarker));
  if (code !== 0 || line === undefined) throw new Error(`bench: wrk ${signal === null ? `exited with ${code}` : `stopped by ${signal}`}: ${output.trim().slice(-500)}`);
  const parsed: unknown = JSON.parse(line.slice(resultMarker.length));
  if (!isResult(parsed)) throw new Error(`bench: unexpected wrk result: ${line}`);
  return parsed;
}

/** Stops the load generator now (Ctrl-C). */
export function stopMeasuring(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** `cpuSeconds` reads the server process's CPU time so far (undefined where it cannot be read). */
export async function measure(baseUrl: string, request: RequestSpec, load: Load, cpuSeconds: () => number | undefined): Promise<Measurement> {
  const url = `${baseUrl}${request.path}`;
  const script = scriptPath(request);
  if (load.warmupSeconds > 0) await runWrk(url, script, load.connections, load.warmupSeconds);
  const cpuBefore = cpuSeconds();
  const result = await runWrk(url, script, load.connections, load.durationSeconds);
  const cpuAfter = cpuSeconds();
  const perRequest = (seconds: number | undefined) => (seconds === undefined || seconds < 0 || result.requests === 0 ? undefined : (seconds * 1e6) / result.requests);
  const failures = result.non2xx + result.wrong + result.connect + result.read + result.write + result.timeout;
  return {
    cpuMicrosecondsPerRequest: perRequest(cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore),
    loadGeneratorMicrosecondsPerRequest: perRequest(result.cpuSeconds),
    requestsPerSecond: result.durationUs > 0 ? (result.requests * 1e6) / result.durationUs : 0,
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    requests: result.requests,
    failures,
  };
}

/** `wrk 4.1.0 …` as wrk prints it, for the report. */
export function wrkVersion(): string {
  const result = spawnSync(wrkBinary, ['--version'], { encoding: 'utf8' });
  const first = `${result.stdout}${result.stderr}`.split('\n')[0]?.trim();
  return first === undefined || first === '' ? 'wrk (version unknown)' : (first.split(' Copyright')[0] ?? first);
}
