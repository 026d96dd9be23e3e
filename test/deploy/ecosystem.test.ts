/**
 * deploy/ecosystem.config.cjs as PM2 reads it (require() in a fresh node): the app, its timeouts
 * against the app's own SHUTDOWN_TIMEOUT, PM2_INSTANCES, and the values it takes from `.env` the
 * way the app does (the environment winning). A copy in a temporary "repository" holds the `.env`.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { readSettings } from '../../src/config/settings.ts';

const ecosystem = fileURLToPath(new URL('../../deploy/ecosystem.config.cjs', import.meta.url));
const repository = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

interface App {
  name: string;
  script: string;
  args: string[];
  cwd: string;
  exec_mode: string;
  instances: number;
  env: Record<string, string>;
  wait_ready: boolean;
  listen_timeout: number;
  kill_timeout: number;
  max_memory_restart: string;
  out_file: string;
  error_file: string;
  log_date_format: string;
}

/** The config's one app, as `require()` in a node with exactly `env` sees it. */
const configuredSecret = { SESSION_SECRET: 'a-configured-session-secret-of-40-characters' };

function appOf(file: string, env: Record<string, string> = configuredSecret): App {
  const script = 'process.stdout.write(JSON.stringify(require(process.argv[1]).apps))';
  const apps = JSON.parse(execFileSync(process.execPath, ['-e', script, file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' })) as App[];
  assert.equal(apps.length, 1);
  return apps[0]!;
}

describe('deploy/ecosystem.config.cjs', () => {
  const copyRoot = mkdtempSync(join(tmpdir(), 'blog-server-ecosystem-'));
  after(() => rmSync(copyRoot, { recursive: true, force: true }));
  mkdirSync(join(copyRoot, 'deploy'));
  const copy = join(copyRoot, 'deploy', 'ecosystem.config.cjs');
  copyFileSync(ecosystem, copy);

  it('runs the built `blog-server serve` from the repository, as a production cluster waiting for ready', () => {
    const app = appOf(ecosystem);
    assert.equal(app.name, 'blog-server');
    assert.equal(app.script, 'dist/cli/main.js');
    assert.deepEqual(app.args, ['serve']);
    assert.equal(app.cwd, repository);
    assert.equal(app.exec_mode, 'cluster');
    assert.equal(app.instances, availableParallelism());
    assert.deepEqual(app.env, { NODE_ENV: 'production' });
    assert.equal(app.wait_ready, true);
    assert.equal(app.log_date_format, 'YYYY-MM-DD HH:mm:ss');
    assert.equal(app.out_file, join(repository, 'logs', 'pm2-out.log'));
    assert.equal(app.error_file, join(repository, 'logs', 'pm2-error.log'));
    assert.match(app.max_memory_restart, /^\d+M$/);
  });

  it('gives a worker longer to stop than the app gives its requests (SHUTDOWN_TIMEOUT), and a start room', () => {
    const defaultShutdownMs = readSettings({}, copyRoot).SHUTDOWN_TIMEOUT;
    assert.ok(appOf(ecosystem).kill_timeout > defaultShutdownMs, 'above the default of src/config/settings.ts');
    assert.ok(appOf(ecosystem, { ...configuredSecret, SHUTDOWN_TIMEOUT: '45000' }).kill_timeout > 45_000);
    // Longer than the Redis boot deadline plus the database connect timeout, with room for migrations.
    assert.ok(appOf(ecosystem).listen_timeout >= 30_000);
  });

  it('takes PM2_INSTANCES, and refuses a bad one with its name', () => {
    assert.equal(appOf(ecosystem, { ...configuredSecret, PM2_INSTANCES: '3' }).instances, 3);
    assert.equal(appOf(ecosystem, { ...configuredSecret, PM2_INSTANCES: 'max' }).instances, availableParallelism());
    const bad = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', ecosystem], { env: { PATH: process.env.PATH ?? '', ...configuredSecret, PM2_INSTANCES: 'two' }, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /PM2_INSTANCES: expected a whole number of at least 1, or max; got "two"/);
  });

  it('reads LOG_DIR, SHUTDOWN_TIMEOUT and PM2_INSTANCES from the repository\'s .env, the environment winning', () => {
    writeFileSync(join(copyRoot, '.env'), 'LOG_DIR=/var/log/blog\nSHUTDOWN_TIMEOUT=30000\nPM2_INSTANCES=2\n');
    const fromFile = appOf(copy, configuredSecret);
    assert.equal(fromFile.cwd, copyRoot);
    assert.equal(fromFile.out_file, '/var/log/blog/pm2-out.log');
    assert.ok(fromFile.kill_timeout > 30_000);
    assert.equal(fromFile.instances, 2);
    const overridden = appOf(copy, { ...configuredSecret, LOG_DIR: 'var/logs', PM2_INSTANCES: '1' });
    assert.equal(overridden.out_file, join(copyRoot, 'var', 'logs', 'pm2-out.log'), 'relative to the repository, as the app resolves it');
    assert.equal(overridden.instances, 1);
  });

  it('gives a fresh clone without SESSION_SECRET one secret, made once, kept owner-only for every later start', () => {
    const secretFile = join(copyRoot, 'data', 'session-secret');
    rmSync(join(copyRoot, 'data'), { recursive: true, force: true });
    const first = appOf(copy, {});
    assert.match(first.env.SESSION_SECRET ?? '', /^[0-9a-f]{64}$/);
    assert.equal(readFileSync(secretFile, 'utf8').trim(), first.env.SESSION_SECRET);
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(appOf(copy, {}).env.SESSION_SECRET, first.env.SESSION_SECRET, 'a reload keeps the secret, and with it the sessions');
    assert.deepEqual(appOf(copy, configuredSecret).env, { NODE_ENV: 'production' }, 'a configured secret wins, and is not copied into PM2');
    writeFileSync(secretFile, 'short\n');
    const bad = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', copy], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /session-secret: expected a secret of at least 32 characters/);
  });
});
