/** Starts a server in its own child process on 127.0.0.1 with a free port, waits until it answers, stops it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cleaningUp, onCleanup } from './cleanup.ts';

export interface ChildServer {
  readonly name: string;
  readonly baseUrl: string;
  /** CPU seconds (user + system, all threads) the server has used so far; undefined off Linux. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  name: string;
  /** Arguments of `node`, given the port chosen for the server. */
  args(port: number): string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How long to wait for the port to answer. @default 30 s */
  startTimeoutMs?: number;
}

const stopGraceMs = 15_000;

/** A port the OS calls free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
  return address.port;
}

/** Linux's /proc/<pid>/stat utime + stime, in USER_HZ ticks (100 a second). */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Any HTTP answer means the server is up. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export async function startChild({ name, args, env, cwd, startTimeoutMs = 30_000 }: ChildOptions): Promise<ChildServer> {
  if (cleaningUp()) throw new Error(`bench: not starting ${name}, cleaning up`);
  const port = await freePort();
  const child = spawn(process.execPath, args(port), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = onCleanup(`server ${name}`, async () => {
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await exited;
    clearTimeout(timer);
  }, () => void child.kill('SIGKILL'));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  while (!(await answers(`${baseUrl}/`))) {
    if (!running() || Date.now() > deadline || cleaningUp()) {
      const reason = running() ? (cleaningUp() ? 'interrupted' : `no answer within ${startTimeoutMs} ms`) : `exited with ${child.exitCode ?? child.signalCode}`;
      await stop();
      throw new Error(`bench: ${name} did not start (${reason}). Its output:\n${output.trim() || '(none)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name, baseUrl, stop, cpuSeconds: () => processCpuSeconds(child.pid) };
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export async function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const shown = `${command === process.execPath ? 'node' : command} ${args.join(' ')}`;
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = onCleanup(shown, () => void child.kill('SIGTERM'), () => void child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  await stop();
  if (code !== 0) throw new Error(`bench: ${shown} failed (exit ${code}):\n${output.trim()}`);
  return output;
}
