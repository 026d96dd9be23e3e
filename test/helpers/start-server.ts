/**
 * Starts a real blog-server on 127.0.0.1 with a random port and a fresh data directory, for tests.
 * What the app logs is collected, not printed: a line that the test did not declare expected (the
 * `expectedLogs` option, `expectLog()`) fails the test, so an error the app swallowed into its log
 * — a 500, a backend failure nobody provoked — cannot pass unseen. Importing this module registers
 * one `afterEach` on the file's root test that checks every running server: node 20's runner counts
 * a failed `afterEach` in its closing `# fail` line, but a failed `after` only in the exit code, so
 * the check that matters runs per test, attributed to the test that was running. `close()` checks
 * the lines logged since, too (and fails a test that closes its server in its body).
 */
import { AssertionError } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import { inspect } from 'node:util';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { toAppLog, type AppLog, type LogLevel } from '../../src/ops/app-log.ts';
import { listen } from '../../src/server.ts';

export interface TestServerOptions {
  /** @default 'native' */
  engine?: string;
  /** @default a SQLite file in `dataDir` */
  databaseUrl?: string;
  /** @default 'memory' */
  sessionStore?: 'memory' | 'sqlite' | 'redis';
  redisUrl?: string;
  /** Reuse a data directory (restart tests); a new temporary one by default, removed on close. */
  dataDir?: string;
  /** Extra configuration variables (LOGIN_MAX_FAILURES, UNSAFE_GET_LOGIN, …). */
  env?: Record<string, string>;
  webDir?: string;
  app?: AppOptions;
  /** Log lines this server may write (matched against the message); any other line fails the test. */
  expectedLogs?: readonly RegExp[];
}

/** One record the app logged: its level, its message and the error (or `''`) passed with it. */
export interface LogEntry {
  level: LogLevel;
  message: string;
  error: unknown;
}

export interface TestServer {
  url: string;
  app: App;
  dataDir: string;
  /** Everything the app logged, in order, across restarts. */
  readonly logs: readonly LogEntry[];
  /** Declares log lines whose message matches `pattern` expected from now on. */
  expectLog(pattern: RegExp): void;
  /**
   * Throws an AssertionError listing the lines logged since the last check that no expected pattern
   * matches. Runs after every test (see above) and in `close()`.
   */
  checkLogs(): void;
  /** Stops the server gracefully and starts it again on the same data (a new port). */
  restart(): Promise<void>;
  /** Stops the server and removes its data directory, then runs `checkLogs()`. */
  close(): Promise<void>;
}

/** The servers started and not closed yet, checked after each test. */
const liveServers = new Set<TestServer>();

afterEach(() => {
  const failures = [...liveServers].flatMap((server) => {
    try {
      server.checkLogs();
      return [];
    } catch (error) {
      return [error];
    }
  });
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} servers logged unexpected lines`);
});

function describeEntry({ message, error }: LogEntry): string {
  if (error === '' || error === undefined) return message;
  return `${message} ${error instanceof Error && error.stack !== undefined ? error.stack : inspect(error, { depth: 4 })}`;
}

/** At most this many unexpected lines are shown with their error; the rest by their message only. */
const shownInFull = 3;

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'blog-server-test-'));
  const config = loadConfig({
    cwd: dataDir,
    env: {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      ACCESS_LOG: 'off',
      ENGINE: options.engine ?? 'native',
      DATABASE_URL: options.databaseUrl ?? join(dataDir, 'blog.db'),
      SESSION_STORE: options.sessionStore ?? 'memory',
      SESSION_DB: join(dataDir, 'sessions.db'),
      LOG_DIR: join(dataDir, 'logs'),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...(options.webDir ? { WEB_DIR: options.webDir } : {}),
      ...options.env,
    },
  });
  const logs: LogEntry[] = [];
  const expected: RegExp[] = [...(options.expectedLogs ?? [])];
  let checked = 0;
  const forward = options.app?.log === undefined ? undefined : toAppLog(options.app.log);
  const record = (level: LogLevel, message: string, error: unknown) => {
    logs.push({ level, message, error: error ?? '' });
    forward?.[level](message, error);
  };
  const log: AppLog = {
    info: (message) => record('info', message, ''),
    warn: (message, error) => record('warn', message, error),
    error: (message, error) => record('error', message, error),
  };
  const boot = async () => {
    const app = await createApp(config, { ...options.app, log });
    return { app, running: await listen(app, config.port, config.host) };
  };
  let current = await boot();
  const server: TestServer = {
    url: current.running.url,
    app: current.app,
    dataDir,
    logs,
    expectLog(pattern) {
      expected.push(pattern);
    },
    checkLogs() {
      const fresh = logs.slice(checked);
      checked = logs.length;
      const unexpected = fresh.filter((entry) => !expected.some((pattern) => pattern.test(entry.message)));
      if (unexpected.length === 0) return;
      const shown = [...unexpected.slice(0, shownInFull).map(describeEntry), ...unexpected.slice(shownInFull).map((entry) => entry.message)];
      throw new AssertionError({
        message: `the server at ${server.url} logged ${unexpected.length} unexpected line(s) (declare expected ones with expectedLogs or expectLog()):\n${shown.join('\n')}`,
        actual: unexpected.map((entry) => entry.message),
        expected: [],
        operator: 'checkLogs',
      });
    },
    async restart() {
      await current.running.close();
      current = await boot();
      server.url = current.running.url;
      server.app = current.app;
    },
    async close() {
      liveServers.delete(server);
      await current.running.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
      server.checkLogs();
    },
  };
  liveServers.add(server);
  return server;
}
