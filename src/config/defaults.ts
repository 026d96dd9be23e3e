/**
 * Every default and limit of blog-server, in one place. The README's configuration table lists each
 * with its variable; `test/unit/defaults.test.ts` pins them so a change here is a visible decision.
 */
export const defaults = {
  /** TCP port of `blog-server serve` (`PORT`). @default 8000, the course's port */
  port: 8000,
  /** Address to listen on (`HOST`). @default '0.0.0.0' */
  host: '0.0.0.0',
  /** Storage (`DATABASE_URL`): a SQLite file path, `sqlite:` URL, `mysql://` or `postgres://` URL. */
  databaseUrl: './data/blog.db',
  /** HTTP engine (`ENGINE`). @default 'native' */
  engine: 'native',
  /** Connections in a MySQL/PostgreSQL pool (`DATABASE_POOL_SIZE`). @default 10 */
  databasePoolSize: 10,
  /** How long SQLite waits for another process's write lock before failing, ms. @default 5000 */
  sqliteBusyTimeoutMs: 5_000,

  /** MySQL/PostgreSQL timeouts, set per `DATABASE_URL` with `?connectTimeout=` and `?queryTimeout=`. */
  networkDatabase: {
    /** Opening a connection, or waiting for a free one of the pool (`?connectTimeout=` in ms). @default 5000 */
    connectTimeoutMs: 5_000,
    /**
     * Deadline of one SELECT, INSERT, UPDATE or DELETE (`?queryTimeout=` in ms); past it the connection
     * is destroyed and the request answers 503. Schema changes and lock waits have none: a migration
     * of a large course table may take minutes. @default 10000
     */
    queryTimeoutMs: 10_000,
  },
  /** The Redis client (`REDIS_URL`, `?prefix=` sets the key prefix). */
  redis: {
    /** Namespace of every key blog-server writes (`?prefix=` in REDIS_URL). @default 'blog:' */
    prefix: 'blog:',
    /** How long one TCP connect may take, ms. @default 2000 */
    connectTimeoutMs: 2_000,
    /** How long the server waits for Redis at start before exiting with a message, ms. @default 5000 */
    bootTimeoutMs: 5_000,
    /** A connection silent this long is dropped and reopened (a hung Redis), ms. @default 5000 */
    socketTimeoutMs: 5_000,
    /** An idle connection sends PING this often, so a healthy one is never silent that long, ms. @default 1000 */
    pingIntervalMs: 1_000,
    /** Reconnect backoff: 50 ms doubling up to this, plus up to 50 ms of jitter, for ever. @default 2000 */
    reconnectMaxDelayMs: 2_000,
    /**
     * Commands awaiting a reply, at most; more fail at once. A healthy Redis never has this many
     * outstanding; a hung one would otherwise collect every command sent to it, and the writes would
     * keep its socket from ever timing out. @default 1000
     */
    maxPendingCommands: 1_000,
  },

  /** Largest accepted request body (`BODY_LIMIT`, bytes); over it → 413 BODY_TOO_LARGE. @default 1 MiB */
  bodyLimitBytes: 1024 * 1024,

  /** Longest title after trimming, in characters; longer → TITLE_TOO_LONG. @default 100 */
  titleMaxLength: 100,
  /** Longest content, in characters; longer → CONTENT_TOO_LONG. @default 100 000 */
  contentMaxLength: 100_000,
  /** Usernames: 2–32 letters (any script), digits, `_`, `-` or `.`; else USERNAME_INVALID. */
  usernamePattern: /^[\p{L}\p{N}_.-]{2,32}$/u,
  /** Longest real name, in characters. @default 32 */
  realnameMaxLength: 32,
  /** Shortest password accepted by `user add` / `user passwd`. @default 8 */
  passwordMinLength: 8,
  /** Longest password accepted anywhere (scrypt input is bounded). @default 256 */
  passwordMaxLength: 256,

  /** Blogs returned by `/api/blog/list` without `pageSize` (`LIST_DEFAULT_SIZE`). @default 100 */
  listDefaultPageSize: 100,
  /** Largest `pageSize` honoured; larger values are clamped (`LIST_MAX_SIZE`). @default 500 */
  listMaxPageSize: 500,
  /** No configuration may raise `LIST_MAX_SIZE` above this. @default 1000 */
  listHardMaxPageSize: 1_000,

  /** Session cookie name (`SESSION_COOKIE`). @default 'blog_sid' */
  sessionCookieName: 'blog_sid',
  /** Session and cookie lifetime (`SESSION_TTL`, seconds). @default 24 h, as in the course */
  sessionTtlSeconds: 24 * 60 * 60,
  /** Session store (`SESSION_STORE`): 'sqlite' (a file beside the database), 'memory', or a redis:// URL. */
  sessionStore: 'sqlite',
  /** SQLite session file (`SESSION_DB`). @default './data/sessions.db' */
  sessionDatabasePath: './data/sessions.db',
  /** Deadline for one session-store call; past it → 503 SERVICE_UNAVAILABLE. @default 2000 ms */
  sessionStoreTimeoutMs: 2_000,
  /**
   * How long the SQLite session store waits for another process's write lock. better-sqlite3 waits
   * synchronously, so it stays well under the store deadline: a locked store answers 503 quickly.
   */
  sessionSqliteBusyTimeoutMs: 500,
  /** How often expired sessions are purged from a SQLite store. @default 10 min */
  sessionPurgeIntervalMs: 10 * 60 * 1000,
  /** Session ids carry this many random bytes (CSPRNG). @default 32 (256 bits) */
  sessionIdBytes: 32,
  /** Signing secret used when none is configured — refused when NODE_ENV=production. */
  developmentSessionSecret: 'blog-server-development-only-secret',

  /** Failed logins allowed per client address + username per window. @default 10 */
  loginFailuresPerUserAndAddress: 10,
  /** Failed logins allowed per client address (any username) per window. @default 100 */
  loginFailuresPerAddress: 100,
  /** Window of both login limits and the lock that follows, seconds. @default 15 min */
  loginFailureWindowSeconds: 15 * 60,

  /**
   * scrypt cost: N=2^13, r=8, p=10 is one of OWASP's equivalent minimum settings (Password Storage
   * Cheat Sheet); of those it measured fastest here (≈180 ms a hash, 8 MiB) against ≈840 ms for N=2^17.
   */
  scrypt: { logN: 13, r: 8, p: 10, keyLength: 32, saltLength: 16 },

  /** Graceful shutdown: how long in-flight requests may finish before connections are cut. @default 10 s */
  shutdownTimeoutMs: 10_000,
  /** Server socket timeouts, ms: headers must arrive within, idle keep-alive sockets close after. */
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
} as const;

export type Defaults = typeof defaults;
