/**
 * The table of settings: every environment variable blog-server reads, with its default, what it
 * accepts and what it means. `loadConfig` builds the typed `Config` from it, `--help` takes the
 * command-line options' defaults and descriptions from it, and the README's configuration table is
 * generated from it (`node scripts/settings-table.mjs --write`) and checked against it by a test.
 * Limits that are not variables live in `defaults.ts`.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choice, derived, flag, integer, optionalText, optionalUrl, originList, path, text, type Setting } from './setting.ts';

export const ENVIRONMENTS = ['development', 'production', 'test'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** The HTTP engines; `src/engines/index.ts` maps each name to its engine. */
export const ENGINE_NAMES = ['native', 'express', 'koa', 'like-express', 'like-koa'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const SESSION_STORES = ['sqlite', 'memory', 'redis'] as const;
export type SessionStoreKind = (typeof SESSION_STORES)[number];
export const ACCESS_LOG_FORMATS = ['dev', 'combined', 'off'] as const;
export type AccessLogFormat = (typeof ACCESS_LOG_FORMATS)[number];
export const AUDIT_LOG_DESTINATIONS = ['file', 'stdout', 'off'] as const;
export type AuditLogDestination = (typeof AUDIT_LOG_DESTINATIONS)[number];
export const LOG_ROTATIONS = ['daily', 'off'] as const;
export type LogRotationKind = (typeof LOG_ROTATIONS)[number];

/** The package root, where `dist/web` lives whatever the working directory. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The session secret used when none is configured; refused when NODE_ENV=production. */
const developmentSessionSecret = 'blog-server-development-only-secret';
const minimumSecretLength = 32;

// Settings that others derive from are named first; the table below lists every setting once.
const NODE_ENV = choice(ENVIRONMENTS, {
  noun: 'environment',
  default: 'development',
  description: 'Production refuses a missing or short `SESSION_SECRET`, creates no demo data, and writes combined access logs to `LOG_DIR`.',
});
const production = (get: <T>(setting: Setting<T>) => T): boolean => get(NODE_ENV) === 'production';

const DATABASE_URL = text({
  default: './data/blog.db',
  accepts: 'path or URL',
  description: 'a SQLite path or `sqlite:` URL (`sqlite:///abs/blog.db`), `mysql://user:pass@host:3306/db`, or `postgres://user:pass@host:5432/db`',
  option: { flag: 'database', value: 'url' },
});

/** The SQLite file of a `DATABASE_URL`, or undefined for a network database or `:memory:`. */
function sqliteFileOf(databaseUrl: string): string | undefined {
  if (/^(mysql|mariadb|postgres|postgresql):/i.test(databaseUrl)) return undefined;
  const file = databaseUrl.replace(/^sqlite:(\/\/)?/, '');
  return file === ':memory:' ? undefined : file;
}

const LIST_MAX_SIZE = integer({
  default: 500,
  min: 1,
  max: 1_000,
  description: 'largest `pageSize`; larger requests are clamped',
});
const listDefaultPageSize = 100;

const REQUEST_TIMEOUT = integer({
  default: 30_000,
  min: 100,
  max: 60 * 60 * 1000,
  description: 'ms a whole request (headers and body) may take to arrive; a slower one is answered 408 and cut off',
});

const REDIS_URL = optionalUrl(['redis', 'rediss'], {
  description: '`redis://host:6379`: sessions and login limits in Redis, shared by processes and machines',
});

export const settings = {
  NODE_ENV,
  PORT: integer({ default: 8000, min: 0, max: 65_535, description: 'port to listen on; 0 picks a free one', option: { flag: 'port', short: 'p', value: 'n' } }),
  HOST: text({ default: '0.0.0.0', accepts: 'host name or IP address', description: 'address to listen on', option: { flag: 'host', value: 'address' } }),
  ENGINE: choice(ENGINE_NAMES, { noun: 'engine', default: 'native', description: 'HTTP engine', option: { flag: 'engine', value: 'name' } }),
  DATABASE_URL,
  DATABASE_POOL_SIZE: integer({ default: 10, min: 1, max: 1_000, description: 'connections in a MySQL/PostgreSQL pool, per process' }),
  BODY_LIMIT: integer({ default: 1024 * 1024, min: 1_024, max: 64 * 1024 * 1024, description: 'largest request body in bytes (1 MiB); larger → 413' }),
  LIST_DEFAULT_SIZE: integer({
    default: derived(`\`${listDefaultPageSize}\`, or \`LIST_MAX_SIZE\` if smaller`, ({ get }) => Math.min(listDefaultPageSize, get(LIST_MAX_SIZE))),
    min: 1,
    max: derived('`LIST_MAX_SIZE`', ({ get }) => get(LIST_MAX_SIZE)),
    description: 'blogs in `/api/blog/list` without `pageSize` (course clients have no paging)',
  }),
  LIST_MAX_SIZE,
  SESSION_SECRET: text({
    default: derived('a development-only value', () => developmentSessionSecret),
    description: `HMAC key of the session cookie; ${minimumSecretLength}+ characters, required in production (\`openssl rand -hex 32\`)`,
    check: (secret, { get }) =>
      production(get) && (secret === developmentSessionSecret || secret.length < minimumSecretLength)
        ? `NODE_ENV=production needs a secret of at least ${minimumSecretLength} characters (e.g. \`openssl rand -hex 32\`)`
        : undefined,
  }),
  SESSION_STORE: choice(SESSION_STORES, {
    noun: 'session store',
    default: derived('`sqlite`, or `redis` when `REDIS_URL` is set', ({ get }) => (get(REDIS_URL) === undefined ? 'sqlite' : 'redis')),
    description: '`sqlite` (a file, shared by the processes of one machine, survives restarts), `memory` (one process, tests), `redis`',
  }),
  SESSION_DB: path({
    default: derived('`sessions.db` beside the SQLite database, else `./data/sessions.db`', ({ get }) => {
      const sqliteFile = sqliteFileOf(get(DATABASE_URL));
      return sqliteFile === undefined ? './data/sessions.db' : join(dirname(sqliteFile), 'sessions.db');
    }),
    description: 'the SQLite session file',
  }),
  SESSION_TTL: integer({ default: 24 * 60 * 60, min: 60, max: 365 * 24 * 60 * 60, description: 'session and cookie lifetime in seconds (24 h, as in the course)' }),
  SESSION_COOKIE: text({ default: 'blog_sid', description: 'session cookie name' }),
  SESSION_STORE_TIMEOUT: integer({ default: 2_000, min: 50, max: 60_000, description: 'deadline in ms of one session-store or login-limiter call; past it → 503' }),
  COOKIE_SECURE: flag({ default: false, description: 'add `Secure` to the cookie (set it when served over HTTPS)' }),
  REDIS_URL,
  COURSE_PASSWORD_SECRET: optionalText({
    description: "the course's md5 key (`WJiol_8776#` in the seed): accept course password hashes and upgrade them to scrypt at the next login",
  }),
  LOGIN_MAX_FAILURES: integer({ default: 10, min: 1, max: 10_000, description: 'failed logins per client address + username per window, then 429' }),
  LOGIN_MAX_FAILURES_PER_ADDRESS: integer({ default: 100, min: 1, max: 100_000, description: 'failed logins per client address (any username) per window' }),
  LOGIN_WINDOW: integer({ default: 15 * 60, min: 1, max: 24 * 60 * 60, description: "the login limits' window and lock time, seconds" }),
  UNSAFE_GET_LOGIN: flag({ default: false, description: "accept the course's `GET /api/user/login?username=&password=` (puts passwords in logs)" }),
  TRUST_PROXY: flag({ default: false, description: 'take the client address from `X-Forwarded-For`, and the origin of a POST from `X-Forwarded-Proto`/`X-Forwarded-Host` (behind nginx)' }),
  ALLOWED_ORIGINS: originList({ description: 'other origins whose pages may POST to the API (`https://admin.example,http://localhost:5173`); any other cross-site POST → 403' }),
  HEADERS_TIMEOUT: integer({
    default: 20_000,
    min: 100,
    max: derived('`REQUEST_TIMEOUT`', ({ get }) => get(REQUEST_TIMEOUT)),
    description: 'ms a request\'s headers may take to arrive; a slower client is answered 408 and cut off',
  }),
  REQUEST_TIMEOUT,
  MAX_HEADER_SIZE: integer({ default: 16 * 1024, min: 1_024, max: 1024 * 1024, description: 'largest request line + headers in bytes (16 KiB, node\'s default); larger → 431' }),
  SITEMAP_PAGE_SIZE: integer({ default: 50_000, min: 1, max: 50_000, description: 'URLs in one sitemap file; past it `/sitemap.xml` is an index of `?page=N` (the protocol allows 50 000)' }),
  PUBLIC_URL: optionalUrl(['http', 'https'], {
    description: 'the site\'s absolute base URL (`https://blog.example.com`) for feeds and the sitemap; unset: the request\'s own origin (X-Forwarded-Proto/Host only with TRUST_PROXY)',
  }),
  ACCESS_LOG: choice(ACCESS_LOG_FORMATS, {
    noun: 'access log format',
    default: derived('`dev`, or `combined` in production', ({ get }) => (production(get) ? 'combined' : 'dev')),
    description: '`dev` (concise, stdout), `combined` (Apache combined + response time, into `LOG_DIR/access.log`), `off`',
  }),
  AUDIT_LOG: choice(AUDIT_LOG_DESTINATIONS, {
    noun: 'audit log destination',
    default: derived('`file` in production, `off` otherwise', ({ get }) => (production(get) ? 'file' : 'off')),
    description: 'authentication events (logins, locks, unlocks, logouts, password changes) as JSON lines: `file` (`LOG_DIR/audit.log`, rotated as the access log), `stdout`, `off`',
  }),
  LOG_DIR: path({ default: './logs', description: 'where the combined access log goes' }),
  LOG_ROTATE: choice(LOG_ROTATIONS, {
    noun: 'log rotation',
    default: 'daily',
    description: '`daily`: the access log rotates itself at local midnight (and past `LOG_MAX_SIZE`) into `access.YYYY-MM-DD.log`, gzipped, kept `LOG_KEEP_DAYS`; `off`: logrotate or `deploy/split-logs.sh` renames it and sends SIGHUP',
  }),
  LOG_MAX_SIZE: integer({ default: 0, min: 0, max: 1_000_000_000_000, description: 'with `LOG_ROTATE=daily`, also rotate when the access log passes this many bytes (`104857600`: 100 MiB); `0`: only daily' }),
  LOG_KEEP_DAYS: integer({ default: 14, min: 0, max: 100_000, description: 'with `LOG_ROTATE=daily`, rotated access logs of older days are removed; `0` keeps them all' }),
  NODE_APP_INSTANCE: optionalText({
    description: 'set by PM2 in cluster mode: each process writes its own `access.<instance>.log` (and `blog-server.<instance>.pid`)',
    check: (instance) => (instance === undefined || /^\d{1,6}$/.test(instance) ? undefined : `expected a PM2 instance number, got "${instance}"`),
  }),
  WEB_DIR: path({ default: derived('`dist/web` of the package', () => join(packageRoot, 'dist', 'web')), description: 'the built pages served at `/`' }),
  SHUTDOWN_TIMEOUT: integer({ default: 10_000, min: 0, max: 10 * 60 * 1000, description: 'ms that in-flight requests get to finish on SIGINT/SIGTERM' }),
  REVISIONS_KEPT: integer({ default: 50, min: 1, max: 10_000, description: 'earlier versions kept per post (saves, restores, the pending autosave); the oldest beyond it are removed' }),
  DEMO_DATA: flag({ default: true, description: 'create the demo users and posts on an empty database (never in production)' }),
} as const satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof settings;
export type SettingValues = { readonly [Name in SettingName]: (typeof settings)[Name] extends Setting<infer T> ? T : never };

/** Reads every setting from `variables`; the first bad value throws a ConfigError naming its variable. */
export function readSettings(variables: Readonly<Record<string, string | undefined>>, cwd: string): SettingValues {
  const names = new Map<Setting<unknown>, string>(Object.entries(settings).map(([name, setting]) => [setting, name]));
  const values = new Map<Setting<unknown>, unknown>();
  const reading = new Set<Setting<unknown>>();
  const get = <T>(setting: Setting<T>): T => {
    if (values.has(setting)) return values.get(setting) as T;
    const name = names.get(setting);
    if (name === undefined) throw new Error('settings: a setting outside the table was read');
    if (reading.has(setting)) throw new Error(`settings: ${name} depends on itself`);
    reading.add(setting);
    const given = variables[name];
    const value = setting.read(given === '' ? undefined : given, { name, cwd, get });
    values.set(setting, value);
    return value;
  };
  const table: Readonly<Record<string, Setting<unknown>>> = settings;
  return Object.fromEntries(Object.entries(table).map(([name, setting]) => [name, get(setting)])) as SettingValues;
}
