import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { defaults } from '../../src/config/defaults.ts';

const cwd = mkdtempSync(join(tmpdir(), 'blog-server-config-'));
after(() => rmSync(cwd, { recursive: true, force: true }));
const load = (env: Record<string, string>, overrides: Record<string, string> = {}) => loadConfig({ env, overrides, cwd });

describe('configuration', () => {
  it('works with zero configuration', () => {
    const config = load({});
    assert.equal(config.env, 'development');
    assert.equal(config.port, 8000);
    assert.equal(config.engine, 'native');
    assert.equal(config.databaseUrl, './data/blog.db');
    assert.equal(config.session.store, 'sqlite');
    assert.equal(config.session.databasePath, join(cwd, 'data', 'sessions.db'));
    assert.equal(config.session.ttlSeconds, 86_400);
    assert.equal(config.bodyLimitBytes, 1024 * 1024);
    assert.equal(config.accessLog, 'dev');
    assert.equal(config.demoData, true);
    assert.equal(config.unsafeGetLogin, false);
  });

  it('keeps sessions beside a SQLite database given by path or URL', () => {
    assert.equal(load({ DATABASE_URL: '/tmp/x/blog.db' }).session.databasePath, '/tmp/x/sessions.db');
    assert.equal(load({ DATABASE_URL: 'sqlite:///tmp/y/blog.db' }).session.databasePath, '/tmp/y/sessions.db');
  });

  it('switches sessions to Redis when REDIS_URL is set', () => {
    assert.equal(load({ REDIS_URL: 'redis://127.0.0.1:6379' }).session.store, 'redis');
  });

  it('lets command-line overrides win over the environment, and the environment over .env', () => {
    writeFileSync(join(cwd, '.env'), 'PORT=7000\nHOST=127.0.0.2\nENGINE=native\n');
    try {
      const fromFile = load({});
      assert.equal(fromFile.port, 7000);
      assert.equal(fromFile.host, '127.0.0.2');
      assert.equal(load({ PORT: '7100' }).port, 7100);
      assert.equal(load({ PORT: '7100' }, { PORT: '7200' }).port, 7200);
    } finally {
      rmSync(join(cwd, '.env'));
    }
  });

  it('names the variable of a bad value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'abc' }, /^PORT: /],
      [{ PORT: '70000' }, /^PORT: /],
      [{ BODY_LIMIT: '-1' }, /^BODY_LIMIT: /],
      [{ NODE_ENV: 'staging' }, /^NODE_ENV: /],
      [{ SESSION_STORE: 'file' }, /^SESSION_STORE: /],
      [{ COOKIE_SECURE: 'maybe' }, /^COOKIE_SECURE: /],
      [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL: /],
      [{ LIST_MAX_SIZE: '5000' }, /^LIST_MAX_SIZE: /],
      [{ LIST_MAX_SIZE: '50', LIST_DEFAULT_SIZE: '100' }, /^LIST_DEFAULT_SIZE: /],
      [{ ENGINE: 'expres' }, /^ENGINE: unknown engine "expres" \(choose native, express, koa, like-express, like-koa\)$/],
      [{ ACCESS_LOG: 'json' }, /^ACCESS_LOG: /],
      [{ DEMO_DATA: 'sometimes' }, /^DEMO_DATA: /],
      [{ SESSION_TTL: '59' }, /^SESSION_TTL: /],
    ];
    for (const [env, message] of cases) assert.throws(() => load(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
  });

  it('refuses production without a strong session secret, and makes no demo users there', () => {
    assert.throws(() => load({ NODE_ENV: 'production' }), /^ConfigError: SESSION_SECRET/);
    assert.throws(() => load({ NODE_ENV: 'production', SESSION_SECRET: 'short' }), /SESSION_SECRET/);
    assert.throws(() => load({ NODE_ENV: 'production', SESSION_SECRET: 'blog-server-development-only-secret' }), /^ConfigError: SESSION_SECRET/);
    const config = load({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DEMO_DATA: 'true' });
    assert.equal(config.demoData, false);
    assert.equal(config.accessLog, 'combined');
  });
});

describe('defaults', () => {
  it('pins every limit that is not a setting', () => {
    assert.deepEqual(defaults, {
      sqliteBusyTimeoutMs: 5_000,
      sqliteCacheKib: 65_536,
      networkDatabase: { connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 },
      redis: { prefix: 'blog:', connectTimeoutMs: 2_000, bootTimeoutMs: 5_000, socketTimeoutMs: 5_000, pingIntervalMs: 1_000, reconnectMaxDelayMs: 2_000, maxPendingCommands: 1_000 },
      titleMaxLength: 100, contentMaxLength: 100_000, usernameMinLength: 2, usernameMaxLength: 32,
      realnameMaxLength: 32, passwordMinLength: 8, passwordMaxLength: 256,
      sessionSqliteBusyTimeoutMs: 500, sessionPurgeIntervalMs: 600_000, sessionIdBytes: 32,
      scrypt: { logN: 13, r: 8, p: 10, keyLength: 32, saltLength: 16 },
      keepAliveTimeoutMs: 5_000, timeoutCheckIntervalMs: 1_000,
      lingeringClose: { maxBytes: 16_777_216, maxMs: 5_000 }, drainIdleGraceMs: 250,
    });
  });

  it('are the fixed limits the README states', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const { titleMaxLength, contentMaxLength, usernameMinLength, usernameMaxLength, passwordMinLength, passwordMaxLength, scrypt } = defaults;
    const grouped = (value: number) => value.toLocaleString('en-US').replaceAll(',', ' ');
    const sentence = `titles ≤ ${grouped(titleMaxLength)} characters, content ≤ ${grouped(contentMaxLength)} characters, usernames ${usernameMinLength}–${usernameMaxLength} letters/digits/\`_\`/\`-\`/\`.\`, passwords ${passwordMinLength}–${passwordMaxLength} characters, scrypt N=2^${scrypt.logN} r=${scrypt.r} p=${scrypt.p}`;
    assert.ok(readme.includes(sentence), `README says: ${sentence}`);
  });
});
