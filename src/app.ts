/**
 * The composition root: `createApp(config)` opens storage and the session store, runs migrations,
 * wires the core services, the API and the chosen engine, and returns a request listener with
 * `close()`. Nothing is opened before this is called, and `close()` closes everything it opened.
 */
import type { RequestListener } from 'node:http';
import type { Config } from './config/config.ts';
import { defaults } from './config/defaults.ts';
import { BlogService } from './core/blog-service.ts';
import { createDemoData, type DemoResult } from './core/demo-data.ts';
import { PasswordHasher } from './core/passwords.ts';
import type { LoginLimiter } from './core/ports.ts';
import { UserService } from './core/user-service.ts';
import { engineNamed } from './engines/index.ts';
import { createAccessLog, type AccessLog } from './http/access-log.ts';
import { createApi } from './http/api.ts';
import type { ErrorLogger } from './http/envelope.ts';
import type { Services } from './http/route.ts';
import { apiRoutes, routeOptionsOf } from './http/routes.ts';
import { createStaticFiles } from './http/static-files.ts';
import { createAppLog, toAppLog, type AppLog, type LogFunction } from './ops/app-log.ts';
import { LogFile } from './ops/log-file.ts';
import { createAuditTrail, stdoutSink } from './ops/audit-log.ts';
import { createLoginLimiter, type CounterStore } from './security/login-limiter.ts';
import { redisCounterStore } from './security/redis-limiter.ts';
import { sqliteCounterStore } from './security/sqlite-limiter.ts';
import { MemorySessionStore } from './sessions/memory-store.ts';
import { connectRedis, type SharedRedis } from './connections/redis-client.ts';
import { RedisSessionStore } from './sessions/redis-store.ts';
import type { SessionStore } from './sessions/session-store.ts';
import { Sessions } from './sessions/sessions.ts';
import { SqliteSessionStore } from './sessions/sqlite-store.ts';
import { openStorage, type Storage } from './storage/storage.ts';

export interface App {
  readonly config: Config;
  readonly listener: RequestListener;
  /** The response class for the server's `createServer`: `base` with the access log's line written as each response closes. */
  readonly responses: AccessLog['responses'];
  readonly storage: Storage;
  readonly services: Services;
  /** What `createApp` did at start: migrations applied, demo data created. */
  readonly startup: { migrations: string[]; demo: DemoResult | undefined };
  /** Reopens the access log file (SIGHUP, after logrotate or deploy/split-logs.sh renamed it). */
  reopenLogs(): Promise<void>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Where events and problems are reported. @default the app log on stdout/stderr (src/ops/app-log.ts) */
  log?: AppLog | LogFunction;
  /** Replaces the configured session store (tests). */
  sessionStore?: SessionStore;
  /** Replaces the configured login limiter (tests). */
  loginLimiter?: LoginLimiter;
}

/** The configured session store; Redis sessions use the app's one Redis client, under `<prefix>sess:`. */
function createSessionStore(config: Config, redis: SharedRedis | undefined, appLog: AppLog): SessionStore {
  switch (config.session.store) {
    case 'memory':
      return new MemorySessionStore();
    case 'sqlite':
      return new SqliteSessionStore({ path: config.session.databasePath, busyTimeoutMs: defaults.sessionSqliteBusyTimeoutMs, purgeIntervalMs: config.session.purgeIntervalMs, log: appLog });
    case 'redis':
      if (!redis) throw new Error('SESSION_STORE: redis sessions need REDIS_URL');
      return new RedisSessionStore(redis.client, { prefix: `${redis.prefix}sess:` });
  }
}

/**
 * Where the failed-login counters live: in the sessions' store, so that they are shared by exactly the
 * processes that share the sessions (the SQLite file: one machine; Redis: every machine). Memory
 * (undefined) only beside memory sessions, which a cluster refuses (src/ops/process-manager.ts).
 */
function loginCountersBeside(store: SessionStore, redis: SharedRedis | undefined, deadlineMs: number): CounterStore | undefined {
  if (store instanceof SqliteSessionStore) return sqliteCounterStore(store.database);
  if (store instanceof RedisSessionStore && redis) return redisCounterStore(redis, deadlineMs);
  return undefined;
}

/** Runs `step`; on failure closes what was already opened, then rethrows. */
async function orClose<T>(step: () => Promise<T> | T, opened: (() => Promise<void>)[]): Promise<T> {
  try {
    return await step();
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => {});
    throw error;
  }
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const appLog = options.log === undefined ? createAppLog() : toAppLog(options.log);
  // What failed requests report (the envelope's shape): error records.
  const log: ErrorLogger = (message, error) => appLog.error(message, error);
  const opened: (() => Promise<void>)[] = [];

  const storage = openStorage(config.databaseUrl, { poolSize: config.databasePoolSize, sqliteBusyTimeoutMs: config.sqliteBusyTimeoutMs });
  opened.push(() => storage.close());
  const migrations = await orClose(() => storage.migrate(), opened);
  // Blogs the search index lacks (older data, or rows another program wrote) are indexed in batches meanwhile.
  storage.search.startBuilding((error) => log('search index build failed', error));

  // One Redis client for sessions and the login limiter, closed after both (`opened` closes in reverse).
  const redisUrl = config.redisUrl;
  const redis = redisUrl === undefined ? undefined : await orClose(() => connectRedis(redisUrl, { commandTimeoutMs: config.session.storeTimeoutMs, log: appLog }), opened);
  if (redis) opened.push(() => redis.close());
  const store = options.sessionStore ?? (await orClose(() => createSessionStore(config, redis, appLog), opened));
  const sessions = new Sessions(store, {
    secret: config.session.secret,
    ttlSeconds: config.session.ttlSeconds,
    storeTimeoutMs: config.session.storeTimeoutMs,
    idBytes: defaults.sessionIdBytes,
  });
  opened.push(() => sessions.close());

  // Authentication events on their own stream (AUDIT_LOG), rotated as the access log is.
  const { rotate, maxBytes, keepDays, instance } = config.logRotation;
  const auditLogFile = config.auditLog !== 'file' ? undefined
    : await orClose(() => new LogFile({ dir: config.logDir, base: 'audit', instance, rotate, maxBytes, keepDays, onError: (message, error) => log(message, error) }), opened);
  if (auditLogFile) opened.push(() => auditLogFile.close());
  const audit = createAuditTrail(auditLogFile ?? (config.auditLog === 'stdout' ? stdoutSink : undefined));

  const hasher = new PasswordHasher(defaults.scrypt, config.coursePasswordSecret);
  const limiter = options.loginLimiter ?? createLoginLimiter(config.login, loginCountersBeside(store, redis, config.session.storeTimeoutMs));
  const services: Services = {
    blogs: new BlogService(storage.blogs, {
      titleMaxLength: defaults.titleMaxLength,
      contentMaxLength: defaults.contentMaxLength,
      listDefaultPageSize: config.listDefaultPageSize,
      listMaxPageSize: config.listMaxPageSize,
      revisionsKept: config.revisionsKept,
    }),
    users: new UserService(storage.users, hasher, limiter, {
      usernameMinLength: defaults.usernameMinLength,
      usernameMaxLength: defaults.usernameMaxLength,
      realnameMaxLength: defaults.realnameMaxLength,
      passwordMinLength: defaults.passwordMinLength,
      passwordMaxLength: defaults.passwordMaxLength,
    }, { sessions, audit }),
  };

  const demo = config.demoData ? await orClose(() => createDemoData(services.users, services.blogs), opened) : undefined;

  const api = createApi({
    routes: apiRoutes(routeOptionsOf(config)),
    services,
    sessions,
    cookie: { name: config.session.cookieName, secure: config.session.cookieSecure, ttlSeconds: config.session.ttlSeconds },
    trustProxy: config.trustProxy,
    allowedOrigins: config.allowedOrigins,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.bodyLimitBytes,
    log,
  });
  const engine = await orClose(() => engineNamed(config.engine), opened);
  const accessLogFile = config.accessLog !== 'combined' ? undefined
    : await orClose(() => new LogFile({ dir: config.logDir, base: 'access', instance, rotate, maxBytes, keepDays, onError: (message, error) => log(message, error) }), opened);
  if (accessLogFile) opened.push(() => accessLogFile.close());
  const accessLog = createAccessLog(config.accessLog, { trustProxy: config.trustProxy, ...(accessLogFile ? { sink: accessLogFile } : {}) });
  const listener = engine({ api, staticFiles: createStaticFiles(config.webDir, { production: config.env === 'production' }) });

  let closing: Promise<void> | undefined;
  return {
    config,
    listener,
    responses: accessLog.responses,
    storage,
    services,
    startup: { migrations, demo },
    reopenLogs: async () => {
      await Promise.all([accessLogFile?.reopen(), auditLogFile?.reopen()]);
    },
    close() {
      closing ??= (async () => {
        for (const close of opened.reverse()) await close();
      })();
      return closing;
    },
  };
}
