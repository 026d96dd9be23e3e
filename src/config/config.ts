/**
 * Configuration: environment variables, an optional `.env` file and command-line overrides become
 * one typed, validated `Config`, read through the table of settings (`settings.ts`). A bad value
 * stops the server with a message naming the variable, before anything is opened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { defaults } from './defaults.ts';
import { ConfigError } from './setting.ts';
import { readSettings, type AccessLogFormat, type AuditLogDestination, type EngineName, type Environment, type LogRotationKind, type SessionStoreKind } from './settings.ts';

export { ConfigError } from './setting.ts';
export { ENGINE_NAMES, packageRoot, type AccessLogFormat, type EngineName, type Environment, type SessionStoreKind } from './settings.ts';

export interface Config {
  env: Environment;
  port: number;
  host: string;
  engine: EngineName;
  databaseUrl: string;
  databasePoolSize: number;
  sqliteBusyTimeoutMs: number;
  bodyLimitBytes: number;
  listDefaultPageSize: number;
  listMaxPageSize: number;
  /** Revisions kept per post (REVISIONS_KEPT). */
  revisionsKept: number;
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
  /** Origins besides the server's own whose pages may POST to the API, normalized (`https://a.example`). */
  allowedOrigins: readonly string[];
  /** node:http's limits on slow and oversized clients. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; maxHeaderBytes: number };
  /** The site's absolute base URL, without a trailing slash; undefined: each request's own origin. */
  publicUrl: string | undefined;
  sitemapPageSize: number;
  accessLog: AccessLogFormat;
  auditLog: AuditLogDestination;
  logDir: string;
  /** How the combined access log rotates, and which PM2 instance this process is (its own file). */
  logRotation: { rotate: LogRotationKind; maxBytes: number; keepDays: number; instance: string | undefined };
  webDir: string;
  shutdownTimeoutMs: number;
  /** Create the demo users and posts when the database is empty (never in production). */
  demoData: boolean;
}

type Variables = Readonly<Record<string, string | undefined>>;

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
  const settings = readSettings(merged, cwd);
  const production = settings.NODE_ENV === 'production';

  return {
    env: settings.NODE_ENV,
    port: settings.PORT,
    host: settings.HOST,
    engine: settings.ENGINE,
    databaseUrl: settings.DATABASE_URL,
    databasePoolSize: settings.DATABASE_POOL_SIZE,
    sqliteBusyTimeoutMs: defaults.sqliteBusyTimeoutMs,
    bodyLimitBytes: settings.BODY_LIMIT,
    listDefaultPageSize: settings.LIST_DEFAULT_SIZE,
    listMaxPageSize: settings.LIST_MAX_SIZE,
    revisionsKept: settings.REVISIONS_KEPT,
    session: {
      secret: settings.SESSION_SECRET,
      store: settings.SESSION_STORE,
      databasePath: settings.SESSION_DB,
      ttlSeconds: settings.SESSION_TTL,
      cookieName: settings.SESSION_COOKIE,
      cookieSecure: settings.COOKIE_SECURE,
      storeTimeoutMs: settings.SESSION_STORE_TIMEOUT,
      purgeIntervalMs: defaults.sessionPurgeIntervalMs,
    },
    redisUrl: settings.REDIS_URL,
    coursePasswordSecret: settings.COURSE_PASSWORD_SECRET,
    login: {
      failuresPerUserAndAddress: settings.LOGIN_MAX_FAILURES,
      failuresPerAddress: settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: settings.LOGIN_WINDOW,
    },
    unsafeGetLogin: settings.UNSAFE_GET_LOGIN,
    trustProxy: settings.TRUST_PROXY,
    allowedOrigins: settings.ALLOWED_ORIGINS,
    http: { headersTimeoutMs: settings.HEADERS_TIMEOUT, requestTimeoutMs: settings.REQUEST_TIMEOUT, maxHeaderBytes: settings.MAX_HEADER_SIZE },
    publicUrl: settings.PUBLIC_URL?.replace(/\/+$/, ''),
    sitemapPageSize: settings.SITEMAP_PAGE_SIZE,
    accessLog: settings.ACCESS_LOG,
    auditLog: settings.AUDIT_LOG,
    logDir: settings.LOG_DIR,
    logRotation: { rotate: settings.LOG_ROTATE, maxBytes: settings.LOG_MAX_SIZE, keepDays: settings.LOG_KEEP_DAYS, instance: settings.NODE_APP_INSTANCE },
    webDir: settings.WEB_DIR,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT,
    demoData: !production && settings.DEMO_DATA,
  };
}
