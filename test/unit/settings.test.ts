import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/setting.ts';
import { ENGINE_NAMES, packageRoot, readSettings, settings, type SettingName } from '../../src/config/settings.ts';
import { settingRow, settingsTable, tableHeader } from '../../src/config/settings-table.ts';
import { engines } from '../../src/engines/index.ts';

const cwd = '/srv/blog';
const read = (variables: Record<string, string> = {}) => readSettings(variables, cwd);
const names = Object.keys(settings) as SettingName[];

/** The rows of the README's configuration table, by variable. */
function readmeRows(): { lines: string[]; byName: Map<string, string> } {
  const lines = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n');
  const start = lines.indexOf(tableHeader[0]);
  assert.notEqual(start, -1, `README.md has a line "${tableHeader[0]}"`);
  let end = start;
  while (end < lines.length && lines[end]!.startsWith('|')) end += 1;
  const table = lines.slice(start, end);
  const byName = new Map<string, string>();
  for (const row of table.slice(2)) {
    const name = /^\| `([A-Z0-9_]+)` \|/.exec(row)?.[1];
    assert.ok(name, `README row names a variable: ${row}`);
    byName.set(name, row);
  }
  return { lines: table, byName };
}

describe('the table of settings', () => {
  it('gives every default, each a value its own parser accepts', () => {
    const values = read();
    assert.deepEqual(values, {
      NODE_ENV: 'development', PORT: 8000, HOST: '0.0.0.0', ENGINE: 'native', DATABASE_URL: './data/blog.db', DATABASE_POOL_SIZE: 10,
      BODY_LIMIT: 1_048_576, LIST_DEFAULT_SIZE: 100, LIST_MAX_SIZE: 500, SESSION_SECRET: 'blog-server-development-only-secret',
      SESSION_STORE: 'sqlite', SESSION_DB: '/srv/blog/data/sessions.db', SESSION_TTL: 86_400, SESSION_COOKIE: 'blog_sid',
      SESSION_STORE_TIMEOUT: 2_000, COOKIE_SECURE: false, REDIS_URL: undefined, COURSE_PASSWORD_SECRET: undefined,
      LOGIN_MAX_FAILURES: 10, LOGIN_MAX_FAILURES_PER_ADDRESS: 100, LOGIN_WINDOW: 900, UNSAFE_GET_LOGIN: false, TRUST_PROXY: false,
      ALLOWED_ORIGINS: [], HEADERS_TIMEOUT: 20_000, REQUEST_TIMEOUT: 30_000, MAX_HEADER_SIZE: 16_384, SITEMAP_PAGE_SIZE: 50_000, PUBLIC_URL: undefined,
      ACCESS_LOG: 'dev', AUDIT_LOG: 'off', LOG_DIR: '/srv/blog/logs', LOG_ROTATE: 'daily', LOG_MAX_SIZE: 0, LOG_KEEP_DAYS: 14, NODE_APP_INSTANCE: undefined, WEB_DIR: join(packageRoot, 'dist', 'web'), SHUTDOWN_TIMEOUT: 10_000, REVISIONS_KEPT: 50, DEMO_DATA: true,
    });
    // Written back as text, every default reads as itself.
    for (const name of names) {
      const value: unknown = values[name];
      if (value !== undefined) assert.deepEqual(read({ [name]: String(value) })[name], value, name);
    }
  });

  it('derives defaults from other settings', () => {
    assert.equal(read({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).ACCESS_LOG, 'combined');
    assert.equal(read({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).AUDIT_LOG, 'file');
    assert.equal(read({ REDIS_URL: 'rediss://cache:6380' }).SESSION_STORE, 'redis');
    assert.equal(read({ DATABASE_URL: 'sqlite:///var/lib/blog/blog.db' }).SESSION_DB, '/var/lib/blog/sessions.db');
    assert.equal(read({ DATABASE_URL: 'postgres://blog@db/blog' }).SESSION_DB, '/srv/blog/data/sessions.db');
    assert.equal(read({ LIST_MAX_SIZE: '50' }).LIST_DEFAULT_SIZE, 50);
    assert.equal(read({ LIST_MAX_SIZE: '50', LIST_DEFAULT_SIZE: '50' }).LIST_DEFAULT_SIZE, 50);
    assert.throws(() => read({ LIST_MAX_SIZE: '50', LIST_DEFAULT_SIZE: '51' }), /^ConfigError: LIST_DEFAULT_SIZE: expected a whole number from 1 to 50, got "51"$/);
  });

  it('accepts a number at its bounds and refuses one past them, naming the variable', () => {
    assert.equal(read({ PORT: '0' }).PORT, 0);
    assert.equal(read({ PORT: '65535' }).PORT, 65_535);
    assert.throws(() => read({ PORT: '65536' }), (error: unknown) => error instanceof ConfigError && error.message === 'PORT: expected a whole number from 0 to 65535, got "65536"');
    assert.throws(() => read({ BODY_LIMIT: '1023' }), /^ConfigError: BODY_LIMIT: /);
    assert.throws(() => read({ PORT: '80.5' }), /^ConfigError: PORT: /);
    assert.throws(() => read({ LIST_MAX_SIZE: '1001' }), /^ConfigError: LIST_MAX_SIZE: expected a whole number from 1 to 1000/);
  });

  it('reads flags, choices, URLs and paths, and takes an empty variable as unset', () => {
    assert.equal(read({ TRUST_PROXY: 'YES' }).TRUST_PROXY, true);
    assert.equal(read({ DEMO_DATA: 'off' }).DEMO_DATA, false);
    assert.throws(() => read({ COOKIE_SECURE: 'maybe' }), /^ConfigError: COOKIE_SECURE: expected true or false, got "maybe"$/);
    assert.throws(() => read({ SESSION_STORE: 'file' }), /^ConfigError: SESSION_STORE: unknown session store "file" \(choose sqlite, memory, redis\)$/);
    assert.throws(() => read({ REDIS_URL: 'localhost:6379' }), /^ConfigError: REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/);
    // A URL may carry a password: the message names its scheme, never the value.
    assert.throws(() => read({ REDIS_URL: 'http://user:s3cret@cache:6379' }), { message: 'REDIS_URL: expected a redis:// or rediss:// URL, got a "http:" URL' });
    assert.equal(read({ LOG_DIR: 'var/log' }).LOG_DIR, '/srv/blog/var/log');
    assert.equal(read({ LOG_DIR: '/abs' }).LOG_DIR, '/abs');
    assert.throws(() => read({ LOG_ROTATE: 'weekly' }), /^ConfigError: LOG_ROTATE: unknown log rotation "weekly" \(choose daily, off\)$/);
    assert.equal(read({ NODE_APP_INSTANCE: '3' }).NODE_APP_INSTANCE, '3');
    // The instance becomes part of file names: nothing but a number.
    assert.throws(() => read({ NODE_APP_INSTANCE: '../x' }), /^ConfigError: NODE_APP_INSTANCE: expected a PM2 instance number, got "..\/x"$/);
    assert.equal(read({ PORT: '', ENGINE: '' }).PORT, 8000);
  });

  it('reads ALLOWED_ORIGINS as normalized origins and refuses anything that is not an origin', () => {
    assert.deepEqual(read({ ALLOWED_ORIGINS: 'https://Admin.Example:443, http://localhost:5173/,http://[::1]:8080' }).ALLOWED_ORIGINS, ['https://admin.example', 'http://localhost:5173', 'http://[::1]:8080']);
    assert.deepEqual(read({ ALLOWED_ORIGINS: ' , ' }).ALLOWED_ORIGINS, []);
    for (const bad of ['admin.example', 'https://admin.example/page', 'ftp://admin.example', 'https://user:pw@admin.example', 'https://admin.example?x=1', 'null', '*']) {
      assert.throws(() => read({ ALLOWED_ORIGINS: `https://ok.example,${bad}` }), (error: unknown) => error instanceof ConfigError && error.message.startsWith('ALLOWED_ORIGINS: expected origins like') && error.message.endsWith(`got "${bad}"`), bad);
    }
  });

  it('keeps HEADERS_TIMEOUT within REQUEST_TIMEOUT, as node requires', () => {
    assert.equal(read({ REQUEST_TIMEOUT: '500', HEADERS_TIMEOUT: '500' }).HEADERS_TIMEOUT, 500);
    assert.throws(() => read({ REQUEST_TIMEOUT: '500' }), /^ConfigError: HEADERS_TIMEOUT: expected a whole number from 100 to 500, got "20000"$/);
    assert.throws(() => read({ MAX_HEADER_SIZE: '1023' }), /^ConfigError: MAX_HEADER_SIZE: /);
  });

  it('has an engine for every engine name, and a name for every engine', () => {
    assert.deepEqual(Object.keys(engines), [...ENGINE_NAMES]);
    assert.throws(() => read({ ENGINE: 'expres' }), /^ConfigError: ENGINE: unknown engine "expres" \(choose native, express, koa, like-express, like-koa\)$/);
  });

  it('is documented in the README, every setting with its default and no row that is no setting', () => {
    const { lines, byName } = readmeRows();
    const fix = 'run `node scripts/settings-table.mjs --write` after changing src/config/settings.ts';
    for (const name of names) {
      const expected = settingRow(name, settings[name]);
      assert.ok(byName.has(name), `README's configuration table lacks ${name}; ${fix}. Expected row:\n${expected}`);
      assert.equal(byName.get(name), expected, `README's row of ${name} differs from the table of settings; ${fix}`);
    }
    for (const name of byName.keys()) assert.ok(names.includes(name as SettingName), `README documents ${name}, which is no setting; ${fix}`);
    assert.equal(lines.join('\n'), settingsTable(), `README's configuration table is in the order of the settings; ${fix}`);
  });
});
