/**
 * Configuration: environment variables, an optional `.env` file and command-line overrides become
 * one typed, validated `Config`. A bad value stops the server with a message naming the variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { defaults } from './defaults.ts';

export type Environment = 'development' | 'production' | 'test';
export type SessionStoreKind = 'sqlite' | 'memory' | 'redis';
export type AccessLogFormat = 'dev' | 'combined' | 'off';

export interface Config {
  env: Environment;
  port: number;
  host: string;
  engine: string;
  databaseUrl: string;
  databasePoolSize: number;
  sqliteBusyTimeoutMs: number;
  bodyLimitBytes: number;
  listDefaultPageSize: number;
  listMaxPageSize: number;
  session: {
    secret: string;
    store: SessionStoreKind;
    databasePath: string;
    ttlSeconds: number;
    cookieName: string;
    cookieSecure: boolean;
    storeTimeoutMs: number;
    purgeIntervalMs: number;
  };
  redisUrl: string | undefined;
  coursePasswordSecret: string | undefined;
  login: { failuresPerUserAndAddress: number; failuresPerAddress: number; windowSeconds: number };
  unsafeGetLogin: boolean;
  trustProxy: boolean;
  accessLog: AccessLogFormat;
  logDir: string;
  webDir: string;
  shutdownTimeoutMs: number;
  /** Create the demo users and posts when the database is empty (development only). */
  demoData: boolean;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** The package root, where `dist/web` lives whatever the working directory. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Variables = Readonly<Record<string, string | undefined>>;

/** Reads variables from one source, each with a parser that names the variable when it fails. */
class Reader {
  readonly #variables: Variables;
  constructor(variables: Variables) {
    this.#variables = variables;
  }

  text(name: string, fallback: string): string {
    const value = this.#variables[name];
    return value === undefined || value === '' ? fallback : value;
  }

  optionalText(name: string): string | undefined {
    const value = this.#variables[name];
    return value === undefined || value === '' ? undefined : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optionalText(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  }

  flag(name: string, fallback: boolean): boolean {
    const raw = this.optionalText(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    throw new ConfigError(name, `expected true or false, got "${raw}"`);
  }

  choice<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
    const raw = this.optionalText(name);
    if (raw === undefined) return fallback;
    if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(name, `expected one of ${choices.join(', ')}, got "${raw}"`);
    return raw as T;
  }
}

/** Variables of a `.env` file in `cwd`, if there is one. */
export function readEnvFile(cwd: string): Record<string, string | undefined> {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return {};
  try {
    return parseEnv(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('.env', `cannot read ${path}: ${String(error)}`);
  }
}

function sqliteFileOf(databaseUrl: string): string | undefined {
  if (/^(mysql|mariadb|postgres|postgresql):/i.test(databaseUrl)) return undefined;
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/, '');
  return path === ':memory:' ? undefined : path;
}

export interface LoadOptions {
  /** Process environment; wins over the `.env` file. */
  env?: Variables;
  /** Command-line overrides by variable name (`--port` → PORT); win over everything. */
  overrides?: Variables;
  /** Where to look for `.env`. @default process.cwd() */
  cwd?: string;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const merged: Record<string, string | undefined> = { ...readEnvFile(cwd), ...(options.env ?? process.env) };
  for (const [name, value] of Object.entries(options.overrides ?? {})) if (value !== undefined) merged[name] = value;
  const read = new Reader(merged);

  const env = read.choice<Environment>('NODE_ENV', 'development', ['development', 'production', 'test']);
  const production = env === 'production';
  const databaseUrl = read.text('DATABASE_URL', defaults.databaseUrl);
  const redisUrl = read.optionalText('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL', `expected a redis:// or rediss:// URL, got "${redisUrl}"`);

  const sessionSecret = read.optionalText('SESSION_SECRET');
  if (production && (sessionSecret === undefined || sessionSecret.length < 32)) {
    throw new ConfigError('SESSION_SECRET', 'NODE_ENV=production needs a secret of at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  const sqliteFile = sqliteFileOf(databaseUrl);
  const listMaxPageSize = read.integer('LIST_MAX_SIZE', defaults.listMaxPageSize, 1, defaults.listHardMaxPageSize);

  return {
    env,
    port: read.integer('PORT', defaults.port, 0, 65_535),
    host: read.text('HOST', defaults.host),
    engine: read.text('ENGINE', defaults.engine),
    databaseUrl,
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', defaults.databasePoolSize, 1, 1_000),
    sqliteBusyTimeoutMs: defaults.sqliteBusyTimeoutMs,
    bodyLimitBytes: read.integer('BODY_LIMIT', defaults.bodyLimitBytes, 1_024, 64 * 1024 * 1024),
    listDefaultPageSize: read.integer('LIST_DEFAULT_SIZE', defaults.listDefaultPageSize, 1, listMaxPageSize),
    listMaxPageSize,
    session: {
      secret: sessionSecret ?? defaults.developmentSessionSecret,
      store: read.choice<SessionStoreKind>('SESSION_STORE', redisUrl === undefined ? 'sqlite' : 'redis', ['sqlite', 'memory', 'redis']),
      databasePath: resolve(cwd, read.text('SESSION_DB', sqliteFile === undefined ? defaults.sessionDatabasePath : join(dirname(sqliteFile), 'sessions.db'))),
      ttlSeconds: read.integer('SESSION_TTL', defaults.sessionTtlSeconds, 60, 365 * 24 * 60 * 60),
      cookieName: read.text('SESSION_COOKIE', defaults.sessionCookieName),
      cookieSecure: read.flag('COOKIE_SECURE', false),
      storeTimeoutMs: read.integer('SESSION_STORE_TIMEOUT', defaults.sessionStoreTimeoutMs, 50, 60_000),
      purgeIntervalMs: defaults.sessionPurgeIntervalMs,
    },
    redisUrl,
    coursePasswordSecret: read.optionalText('COURSE_PASSWORD_SECRET'),
    login: {
      failuresPerUserAndAddress: read.integer('LOGIN_MAX_FAILURES', defaults.loginFailuresPerUserAndAddress, 1, 10_000),
      failuresPerAddress: read.integer('LOGIN_MAX_FAILURES_PER_ADDRESS', defaults.loginFailuresPerAddress, 1, 100_000),
      windowSeconds: read.integer('LOGIN_WINDOW', defaults.loginFailureWindowSeconds, 1, 24 * 60 * 60),
    },
    unsafeGetLogin: read.flag('UNSAFE_GET_LOGIN', false),
    trustProxy: read.flag('TRUST_PROXY', false),
    accessLog: read.choice<AccessLogFormat>('ACCESS_LOG', production ? 'combined' : 'dev', ['dev', 'combined', 'off']),
    logDir: resolve(cwd, read.text('LOG_DIR', './logs')),
    webDir: resolve(cwd, read.text('WEB_DIR', join(packageRoot, 'dist', 'web'))),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT', defaults.shutdownTimeoutMs, 0, 10 * 60 * 1000),
    demoData: !production && read.flag('DEMO_DATA', true),
  };
}
