// PM2's description of blog-server in production (docs/deploy-pm2.md): `npm run prd` starts it,
// `npm run prd:reload` replaces every worker without dropping a request, `npm run prd:stop` stops it.
// CommonJS because PM2 loads its config with require(), and the package is `type: module`.
'use strict';

const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join, resolve } = require('node:path');
const { parseEnv } = require('node:util');

const root = resolve(__dirname, '..');

// The app reads `.env` in its working directory (src/config/config.ts), the environment winning;
// the few values needed here come from the same places in the same order.
const envFile = join(root, '.env');
const fromEnvFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
const setting = (name) => process.env[name] || fromEnvFile[name] || undefined;

/** PM2_INSTANCES: a whole number, or `max` (the default) for one worker per core. */
function instances() {
  const value = setting('PM2_INSTANCES') ?? 'max';
  if (value === 'max') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new Error(`PM2_INSTANCES: expected a whole number of at least 1, or max; got ${JSON.stringify(value)}`);
  return count;
}

// SHUTDOWN_TIMEOUT's default in src/config/settings.ts (test/deploy/ecosystem.test.ts fails unless kill_timeout is above it).
const shutdownTimeoutDefaultMs = 10_000;
// A value the app refuses stops the worker with its message; here it falls back to the default.
const shutdownTimeoutMs = Number(setting('SHUTDOWN_TIMEOUT')) || shutdownTimeoutDefaultMs;
const logDir = resolve(root, setting('LOG_DIR') ?? 'logs');

// Production refuses to start without SESSION_SECRET. So that `npm run prd` on a fresh clone serves
// the blog, a machine without one gets a random secret made once and kept in data/session-secret
// (owner-only), the same for every worker and every reload. Several machines behind one nginx must
// share one SESSION_SECRET in their .env instead: a cookie signed on one is then valid on the others.
function generatedSessionSecret() {
  const file = join(root, 'data', 'session-secret');
  if (!existsSync(file)) {
    mkdirSync(join(root, 'data'), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file}: expected a secret of at least 32 characters; delete the file to have a new one made`);
  return secret;
}
const sessionSecret = setting('SESSION_SECRET') === undefined ? { SESSION_SECRET: generatedSessionSecret() } : {};

module.exports = {
  apps: [
    {
      name: 'blog-server',
      // The built command (`npm install` builds it; `npm run build` after a change), as `blog-server serve`.
      script: 'dist/cli/main.js',
      args: ['serve'],
      // The repository: where `.env` is read and relative paths (./data, ./logs) start.
      cwd: root,
      // Workers of node:cluster share PORT; PM2 balances connections between them.
      exec_mode: 'cluster',
      instances: instances(),
      // Everything else (PORT, DATABASE_URL, REDIS_URL, SESSION_SECRET…) comes from the environment of
      // `pm2 start` or from `.env`; SESSION_SECRET, when neither has one, from data/session-secret.
      env: { NODE_ENV: 'production', ...sessionSecret },
      // A failed import is otherwise a logged rejection that leaves a worker up and serving nothing
      // (PM2 catches unhandled rejections); strict makes it an exception, and PM2 exits the worker.
      node_args: ['--unhandled-rejections=strict'],
      // Online only once the worker listens with its database migrated and its session store
      // connected: the app sends `ready` then (src/ops/process-manager.ts).
      wait_ready: true,
      // How long PM2 waits for `ready`, at start and in a reload, before treating the worker as up
      // anyway (and, in a reload, stopping the old one). A start takes well under a second; the
      // Redis and database connect deadlines are 5 s each. Migrating a large course database can
      // take minutes: run `blog-server migrate` before reloading onto a release with new migrations.
      listen_timeout: 60_000,
      // PM2 sends SIGINT, then SIGKILL after this: the app drains for up to SHUTDOWN_TIMEOUT, then
      // closes its database pool and Redis client; 5 s more for that.
      kill_timeout: shutdownTimeoutMs + 5_000,
      // A worker that grows past this (a leak: a worker uses about 100 MB) is reloaded, gracefully.
      max_memory_restart: '512M',
      // A worker that dies is restarted after 100 ms, growing to 15 s while it keeps dying (a database
      // away at start), instead of being given up after 16 quick attempts.
      exp_backoff_restart_delay: 100,
      // Each worker writes its own files, `pm2-out-<id>.log` and `pm2-error-<id>.log`: lines of two
      // processes never interleave, and the id says which worker wrote a line.
      out_file: join(logDir, 'pm2-out.log'),
      error_file: join(logDir, 'pm2-error.log'),
      merge_logs: false,
      log_date_format: 'YYYY-MM-DD HH:mm:ss',
    },
  ],
};
