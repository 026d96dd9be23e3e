/**
 * For the log tests: a real `blog-server serve` (the built CLI) writing its combined access log into
 * a temporary LOG_DIR, and a load of numbered requests (`/api/blog/list?n=<k>`) against it, so a test
 * can tell which answered request is missing from, or repeated in, the log files.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cliEntry } from '../helpers/cli.ts';

export interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string | null>;
}

/** Starts `blog-server serve` with the access log in `logDir` and resolves once it listens. */
export function startServe(dataDir: string, logDir: string, env: Record<string, string> = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, [cliEntry, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      ACCESS_LOG: 'combined',
      LOG_DIR: logDir,
      DATABASE_URL: join(dataDir, 'blog.db'),
      SESSION_STORE: 'memory',
      ...env,
    },
  });
  let output = '';
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output, exited });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

export interface Load {
  /** Resolves once `count` more requests have been answered than when it was called (bounded: rejects after 30 s). */
  answerMore(count: number): Promise<void>;
  /** Stops sending; resolves with the numbers of every request that was answered. */
  stop(): Promise<number[]>;
}

/** `concurrency` loops of requests numbered from `first`, until stopped; a failed request (the server killed) ends its loop. */
export function startLoad(url: string, { first = 0, concurrency = 4 } = {}): Load {
  let next = first;
  let running = true;
  const answered: number[] = [];
  const loop = async () => {
    while (running) {
      const n = next++;
      try {
        const response = await fetch(`${url}/api/blog/list?n=${n}`);
        await response.arrayBuffer();
        answered.push(n);
      } catch {
        return;
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    async answerMore(count) {
      const target = answered.length + count;
      const deadline = Date.now() + 30_000;
      while (answered.length < target) {
        if (!running || Date.now() > deadline) throw new Error(`the load answered ${answered.length} of ${target} requests`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return answered;
    },
  };
}

/** Sends requests numbered `from` … `to - 1`, one after the other. */
export async function sendNumbered(url: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    const response = await fetch(`${url}/api/blog/list?n=${n}`);
    await response.arrayBuffer();
  }
}

const numbered = /^\S+ - - \[[^\]]+\] "GET \/api\/blog\/list\?n=(\d+) HTTP\/1\.1" \d{3} (\d+|-) "[^"]*" "[^"]*" \d+\.\d{3}$/;

/** Every access-log file in `logDir` (gzipped ones unzipped) by name, as lines; throws on a line that is not whole. */
export function readAccessLogs(logDir: string): Map<string, number[]> {
  const files = new Map<string, number[]>();
  for (const name of readdirSync(logDir).filter((file) => file.startsWith('access.'))) {
    const raw = readFileSync(join(logDir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const lines = text.split('\n');
    if (lines.pop() !== '') throw new Error(`${name} does not end with a whole line`);
    files.set(name, lines.map((line) => {
      const n = numbered.exec(line)?.[1];
      if (n === undefined) throw new Error(`${name}: not a whole numbered line: ${JSON.stringify(line)}`);
      return Number(n);
    }));
  }
  return files;
}

/** How many times each number appears across `files`. */
export function countNumbers(files: Map<string, number[]>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const numbers of files.values()) for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1);
  return counts;
}
