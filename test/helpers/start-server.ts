/** Starts a real blog-server on 127.0.0.1 with a random port and a fresh data directory, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
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
}

export interface TestServer {
  url: string;
  app: App;
  dataDir: string;
  /** Stops the server gracefully and starts it again on the same data (a new port). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

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
  const boot = async () => {
    const app = await createApp(config, { log: () => {}, ...options.app });
    return { app, running: await listen(app, config.port, config.host) };
  };
  let current = await boot();
  const server: TestServer = {
    url: current.running.url,
    app: current.app,
    dataDir,
    async restart() {
      await current.running.close();
      current = await boot();
      server.url = current.running.url;
      server.app = current.app;
    },
    async close() {
      await current.running.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
