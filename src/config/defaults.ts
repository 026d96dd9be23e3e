/**
 * The limits and timings of blog-server that are not settings: no environment variable changes them.
 * Each environment variable, with its default and bounds, is in the table of settings (`settings.ts`).
 * `test/unit/config.test.ts` pins every value here, so a change is a visible decision.
 */
export const defaults = {
  /** How long SQLite waits for another process's write lock before failing, ms. @default 5000 */
  sqliteBusyTimeoutMs: 5_000,
  /**
   * SQLite's page cache of the blog database per connection, KiB (SQLite's own default is 2,000: far
   * less than the search index's B-trees of a large blog, whose inserts then read every page they
   * touch back from the OS; building the entries of 2,000 posts on a 100,000-post file took 13 % less
   * CPU with 64 MiB, and no less with 256 MiB — docs/search.md). Pages are allocated as used. @default 65536
   */
  sqliteCacheKib: 65_536,

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

  /** Longest title after trimming, in characters; longer → TITLE_TOO_LONG. @default 100 */
  titleMaxLength: 100,
  /** Longest content, in characters; longer → CONTENT_TOO_LONG. @default 100 000 */
  contentMaxLength: 100_000,
  /** Shortest username, in characters (letters of any script, digits, `_`, `-`, `.`: core's rule). @default 2 */
  usernameMinLength: 2,
  /** Longest username, in characters; else USERNAME_INVALID. @default 32 */
  usernameMaxLength: 32,
  /** Longest real name, in characters. @default 32 */
  realnameMaxLength: 32,
  /** Shortest password accepted by `user add` / `user passwd`. @default 8 */
  passwordMinLength: 8,
  /** Longest password accepted anywhere (scrypt input is bounded). @default 256 */
  passwordMaxLength: 256,

  /**
   * How long the SQLite session store waits for another process's write lock. better-sqlite3 waits
   * synchronously, so it stays well under the store deadline: a locked store answers 503 quickly.
   */
  sessionSqliteBusyTimeoutMs: 500,
  /** How often expired sessions are purged from a SQLite store. @default 10 min */
  sessionPurgeIntervalMs: 10 * 60 * 1000,
  /** Session ids carry this many random bytes (CSPRNG). @default 32 (256 bits) */
  sessionIdBytes: 32,
  /**
   * scrypt cost: N=2^13, r=8, p=10 is one of OWASP's equivalent minimum settings (Password Storage
   * Cheat Sheet); of those it measured fastest here (≈180 ms a hash, 8 MiB) against ≈840 ms for N=2^17.
   */
  scrypt: { logN: 13, r: 8, p: 10, keyLength: 32, saltLength: 16 },

  /** An idle keep-alive connection is closed after this long, ms. @default 5 s */
  keepAliveTimeoutMs: 5_000,
  /**
   * How often node looks for requests past `HEADERS_TIMEOUT` / `REQUEST_TIMEOUT` (its own default is
   * 30 s, which would let a slow client stay up to 30 s past its limit); a quarter of the shorter
   * limit when that is less, so a limit is kept within a quarter of itself. @default 1000 ms
   */
  timeoutCheckIntervalMs: 1_000,
  /**
   * After answering a request whose body is still arriving (a 413, say) the connection closes, but
   * first the rest of the body is read and thrown away, as nginx's `lingering_close` does: closing
   * with unread data makes the kernel send a reset, which can destroy the answer before the client
   * reads it. Bounded: past this many bytes or this long, the connection is closed anyway.
   * @default 16 MiB, 5 s (nginx: `lingering_time` 30 s, `lingering_timeout` 5 s)
   */
  lingeringClose: { maxBytes: 16 * 1024 * 1024, maxMs: 5_000 },
  /**
   * On shutdown, keep-alive connections idle at the start are closed only after this long; a
   * request on one meanwhile is answered with `Connection: close`. A busy client (nginx, a PM2
   * neighbour's traffic) sends within it and is never cut mid-request; see src/ops/graceful-shutdown.ts.
   * @default 250 ms
   */
  drainIdleGraceMs: 250,
} as const;
