/**
 * A database or Redis that is unreachable when `blog-server serve` starts: the process exits non-zero
 * within seconds, with a message naming the URL and never its password — whether the backend refuses
 * connections (dead) or accepts them and never answers (hung). Needs no running service.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { redisDefaults } from '../../src/connections/redis-client.ts';
import { runCli } from '../helpers/cli.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

const password = 'never-print-me';
/** What a loaded 2-core machine may add to a backend's own timeout. */
const slackMs = 3_000;

/** A server that accepts connections and never says a word: a hung backend. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    port: address.port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a backend unreachable at start', () => {
  let dead: TcpProxy;
  let hung: Awaited<ReturnType<typeof silentServer>>;
  const directory = mkdtempSync(join(tmpdir(), 'blog-server-unreachable-'));

  before(async () => {
    dead = await TcpProxy.start({ host: '127.0.0.1', port: 9 });
    dead.cut();
    hung = await silentServer();
  });
  after(async () => {
    await dead.close();
    await hung.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const mysql = /mysql:\/\/root:\*\*\*@127\.0\.0\.1:\d+\/blog/;
  const postgres = /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/blog/;
  const redis = /redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/;
  /** The backend's own timeout for each case (0: refused at once); the start must fail within it plus slack. */
  const cases = [
    { name: 'MariaDB refusing', variable: 'DATABASE_URL', url: () => `mysql://root:${password}@127.0.0.1:${dead.port}/blog`, shown: mysql, timeoutMs: 0 },
    { name: 'MariaDB hung', variable: 'DATABASE_URL', url: () => `mysql://root:${password}@127.0.0.1:${hung.port}/blog?connectTimeout=1000`, shown: mysql, timeoutMs: 1_000 },
    { name: 'PostgreSQL refusing', variable: 'DATABASE_URL', url: () => `postgres://postgres:${password}@127.0.0.1:${dead.port}/blog`, shown: postgres, timeoutMs: 0 },
    { name: 'PostgreSQL hung', variable: 'DATABASE_URL', url: () => `postgres://postgres:${password}@127.0.0.1:${hung.port}/blog?connectTimeout=1000`, shown: postgres, timeoutMs: 1_000 },
    { name: 'Redis refusing', variable: 'REDIS_URL', url: () => `redis://:${password}@127.0.0.1:${dead.port}`, shown: redis, timeoutMs: redisDefaults.bootTimeoutMs },
    { name: 'Redis hung', variable: 'REDIS_URL', url: () => `redis://:${password}@127.0.0.1:${hung.port}`, shown: redis, timeoutMs: redisDefaults.bootTimeoutMs },
  ];

  describe('createApp', { concurrency: true }, () => {
    for (const { name, variable, url, shown, timeoutMs } of cases) {
      it(`${name}: fails within ${timeoutMs / 1000} s + ${slackMs / 1000} s, naming the URL without its password`, async () => {
        const cwd = mkdtempSync(join(directory, 'app-'));
        const config = loadConfig({
          cwd,
          env: { NODE_ENV: 'test', DATABASE_URL: join(cwd, 'blog.db'), SESSION_STORE: 'memory', ACCESS_LOG: 'off', DEMO_DATA: 'false', LOG_DIR: join(cwd, 'logs'), [variable]: url() },
        });
        const started = performance.now();
        await assert.rejects(createApp(config, { log: () => {} }), (error: Error) => {
          const text = `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`;
          assert.match(text, shown);
          assert.doesNotMatch(text, new RegExp(password));
          return true;
        });
        const elapsed = performance.now() - started;
        assert.ok(elapsed < timeoutMs + slackMs, `failed after ${Math.round(elapsed)} ms`);
      });
    }
  });

  describe('blog-server serve', { concurrency: true }, () => {
    for (const { name, variable, url, shown } of [cases[0]!, cases[2]!, cases[4]!]) {
      it(`${name}: exits with status 1 and says which URL, without its password`, async () => {
        const cwd = mkdtempSync(join(directory, 'cli-'));
        const result = await runCli(['serve'], { cwd, env: { [variable]: url(), PORT: '0', HOST: '127.0.0.1', DEMO_DATA: 'false' }, timeoutMs: 60_000 });
        assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
        assert.match(result.stderr, shown);
        assert.doesNotMatch(result.stderr + result.stdout, new RegExp(password));
        assert.doesNotMatch(result.stdout, /listening on/);
      });
    }
  });
});
