/**
 * blog-server under a real PM2 (the devDependency's `node_modules/.bin/pm2`), started the way a
 * deployment does it: `npm run prd` with deploy/ecosystem.config.cjs. Every PM2 gets its own
 * PM2_HOME in a short temporary folder (PM2 keeps unix sockets there: 108-byte limit), and its
 * daemon is killed by `kill()`, or, if a test run dies first, when this process exits or is
 * stopped by SIGINT/SIGTERM.
 *
 * Which worker answered a request: the app's `dev` access log goes to stdout, which PM2 writes to
 * `LOG_DIR/pm2-out-<pm_id>.log`, one file per worker (merge_logs off); a request carrying a unique
 * marker in its query is found in exactly one of them. No header or switch exists for the tests.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type Agent } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.ts';

export const repository = fileURLToPath(new URL('../..', import.meta.url));
const pm2Bin = join(repository, 'node_modules', '.bin', 'pm2');

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One process of the app as `pm2 jlist` shows it. */
export interface Pm2Worker {
  id: number;
  pid: number;
  status: string;
  restarts: number;
}

export interface Pm2 {
  readonly home: string;
  readonly logDir: string;
  /** The environment every command gets (and PM2 passes on to the app). */
  readonly env: Readonly<Record<string, string>>;
  /** `npm run <script>` in the repository, as the deployment guide shows it. */
  npm(script: string, timeoutMs?: number): Promise<CommandResult>;
  pm2(args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** The app's processes, from `pm2 jlist`. */
  workers(): Promise<Pm2Worker[]>;
  /** Waits until `count` workers are online and `check` holds for them; returns them. */
  waitForWorkers(count: number, what: string, check?: (workers: Pm2Worker[]) => boolean, timeoutMs?: number): Promise<Pm2Worker[]>;
  /** The pm_id of the worker whose access log shows `marker`. */
  workerThatLogged(marker: string, timeoutMs?: number): Promise<number>;
  /** Kills the daemon and its workers (`pm2 kill`), then removes PM2_HOME. */
  kill(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (PM2's cluster needs a fixed one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: repository, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr: error !== null && error.killed ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr });
    });
  });
}

/** Daemons not killed yet, killed synchronously if the test process exits first. */
const live = new Map<string, Record<string, string>>();
const killLive = () => {
  for (const [home, env] of live) killSync(home, env);
  live.clear();
};
process.on('exit', killLive);
// A run stopped by a signal (Ctrl-C, a runner's timeout) skips 'exit': kill them, then die of it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLive();
    process.kill(process.pid, signal);
  });
}

function killSync(home: string, env: Record<string, string>): void {
  spawnSync(pm2Bin, ['kill'], { env, timeout: 15_000, stdio: 'ignore' });
  // If `pm2 kill` could not talk to it, the daemon goes by its pid; its cluster workers exit with it.
  const pidFile = join(home, 'pm2.pid');
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(home, { recursive: true, force: true });
}

/** A PM2 of its own, not started yet: `npm('prd')` starts the app with `appEnv` over a minimal environment. */
export function createPm2(appEnv: Record<string, string>, logDir: string): Pm2 {
  const home = mkdtempSync('/tmp/pm2-');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? home,
    PM2_HOME: home,
    // No banner, and no version check over the network on the first command.
    PM2_DISCRETE_MODE: 'true',
    PM2_DISABLE_VERSION_CHECK: 'true',
    LOG_DIR: logDir,
    ...appEnv,
  };
  live.set(home, env);
  const pm2: Pm2 = {
    home,
    logDir,
    env,
    npm: (script, timeoutMs = 90_000) => run('npm', ['run', '--silent', script], env, timeoutMs),
    pm2: (args, timeoutMs = 30_000) => run(pm2Bin, args, env, timeoutMs),
    async workers() {
      const { code, stdout, stderr } = await pm2.pm2(['jlist']);
      if (code !== 0) throw new Error(`pm2 jlist failed (${code}): ${stderr}`);
      const list = JSON.parse(stdout.slice(stdout.indexOf('['))) as { name: string; pm_id: number; pid: number; pm2_env: { status: string; restart_time: number } }[];
      return list
        .filter((entry) => entry.name === 'blog-server')
        .map((entry) => ({ id: entry.pm_id, pid: entry.pid, status: entry.pm2_env.status, restarts: entry.pm2_env.restart_time }))
        .sort((a, b) => a.id - b.id);
    },
    async waitForWorkers(count, what, check = () => true, timeoutMs = 60_000) {
      let seen: Pm2Worker[] = [];
      await eventually(
        async () => {
          seen = await pm2.workers();
          return seen.length === count && seen.every((worker) => worker.status === 'online' && worker.pid > 0) && check(seen);
        },
        timeoutMs,
        `${what} (last seen: ${JSON.stringify(seen)})`,
        250,
      );
      return seen;
    },
    async workerThatLogged(marker, timeoutMs = 10_000) {
      let found: number[] = [];
      await eventually(
        () => {
          const files = existsSync(logDir) ? readdirSync(logDir).filter((name) => /^pm2-out-\d+\.log$/.test(name)) : [];
          found = files.filter((name) => readFileSync(join(logDir, name), 'utf8').includes(marker)).map((name) => Number(/^pm2-out-(\d+)\.log$/.exec(name)![1]));
          return found.length > 0;
        },
        timeoutMs,
        `a worker's access log shows ${marker}`,
      );
      if (found.length !== 1) throw new Error(`${marker} is in the logs of workers ${found.join(', ')}`);
      return found[0]!;
    },
    async kill() {
      if (!live.has(home)) return;
      live.delete(home);
      await pm2.pm2(['kill'], 20_000);
      killSync(home, env);
    },
  };
  return pm2;
}

/** A unique query parameter that names one request in the access logs. */
export function marker(): string {
  return `probe=${randomUUID()}`;
}

export interface FreshReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  setCookie: string | undefined;
}

/**
 * One request, bounded by `timeoutMs`; rejects on a network error. On a new connection by default
 * (what nginx does with an upstream without `keepalive`), or on `agent`'s kept-alive sockets.
 */
export function freshRequest(url: string, options: { method?: string; json?: unknown; cookie?: string; timeoutMs?: number; agent?: Agent } = {}): Promise<FreshReply> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers: Record<string, string> = {};
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false, timeout: options.timeoutMs ?? 10_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text, setCookie: response.headers['set-cookie']?.[0]?.split(';')[0] }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
