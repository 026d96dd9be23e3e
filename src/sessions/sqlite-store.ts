/**
 * Sessions in a SQLite file: the default. Survives restarts and is shared by every process on the
 * machine (WAL mode, busy timeout). Expired sessions are ignored on read and purged on a timer. Its
 * table is made by the file's own migrations (`sqlite-migrations.ts`), and so is the table of the
 * failed-login counters that live in the same file (`src/security/sqlite-limiter.ts`, on
 * `database`); the purge clears their expired rows too.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { SessionUser } from '../core/session-user.ts';
import type { SessionStore } from './session-store.ts';
import { migrateSessionDatabase } from './sqlite-migrations.ts';

export interface SqliteSessionStoreOptions {
  path: string;
  busyTimeoutMs: number;
  purgeIntervalMs: number;
  /** Where a skipped purge is reported: the app log (src/ops/app-log.ts). */
  log: { warn(message: string, error?: unknown): void };
}

export class SqliteSessionStore implements SessionStore {
  readonly #database: SqliteDatabase.Database;
  readonly #select: SqliteDatabase.Statement<[string, number], { data: string }>;
  readonly #upsert: SqliteDatabase.Statement<[string, string, number, number]>;
  readonly #delete: SqliteDatabase.Statement<[string]>;
  readonly #deleteUser: SqliteDatabase.Statement<[number, string], number>;
  readonly #deleteAll: SqliteDatabase.Statement<[], number>;
  readonly #purge: SqliteDatabase.Statement<[number]>;
  readonly #purgeLoginFailures: SqliteDatabase.Statement<[number]>;
  readonly #timer: NodeJS.Timeout;
  readonly #log: SqliteSessionStoreOptions['log'];

  constructor(options: SqliteSessionStoreOptions) {
    this.#log = options.log;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#database = new SqliteDatabase(options.path, { timeout: options.busyTimeoutMs });
    this.#database.pragma('journal_mode = WAL');
    // A session lost to a power cut costs a new login; not worth an fsync per login.
    this.#database.pragma('synchronous = NORMAL');
    try {
      migrateSessionDatabase(this.#database);
    } catch (error) {
      this.#database.close();
      throw error;
    }
    this.#select = this.#database.prepare('select data from sessions where key = ? and expires > ?');
    this.#upsert = this.#database.prepare('insert into sessions (key, data, expires, user_id) values (?, ?, ?, ?) on conflict (key) do update set data = excluded.data, expires = excluded.expires, user_id = excluded.user_id');
    this.#delete = this.#database.prepare('delete from sessions where key = ?');
    this.#deleteUser = this.#database.prepare<[number, string], number>('delete from sessions where user_id = ? and key <> ? returning expires').pluck();
    this.#deleteAll = this.#database.prepare<[], number>('delete from sessions returning expires').pluck();
    this.#purge = this.#database.prepare('delete from sessions where expires <= ?');
    this.#purgeLoginFailures = this.#database.prepare('delete from login_failures where expire <= ?');
    this.#timer = setInterval(() => this.purgeExpired(), options.purgeIntervalMs);
    this.#timer.unref();
  }

  /** The open file, for the login counters kept beside the sessions; closed by `close()`. */
  get database(): SqliteDatabase.Database {
    return this.#database;
  }

  async get(key: string): Promise<SessionUser | undefined> {
    const row = this.#select.get(key, Date.now());
    return row ? (JSON.parse(row.data) as SessionUser) : undefined;
  }

  async set(key: string, user: SessionUser, ttlSeconds: number): Promise<void> {
    this.#upsert.run(key, JSON.stringify(user), Date.now() + ttlSeconds * 1000, user.userId);
  }

  async destroy(key: string): Promise<void> {
    this.#delete.run(key);
  }

  async destroyUser(userId: number, exceptKey?: string): Promise<number> {
    // Expired rows not purged yet go too, but only live ones count as ended.
    const now = Date.now();
    return this.#deleteUser.all(userId, exceptKey ?? '').filter((expires) => expires > now).length;
  }

  async destroyAll(): Promise<number> {
    const now = Date.now();
    return this.#deleteAll.all().filter((expires) => expires > now).length;
  }

  /** Deletes expired sessions and login counters; returns how many sessions went. */
  purgeExpired(): number {
    try {
      const now = Date.now();
      this.#purgeLoginFailures.run(now);
      return this.#purge.run(now).changes;
    } catch (error) {
      // Busy with another process's write: the next round will purge.
      this.#log.warn('session purge skipped, the next round retries:', error);
      return 0;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#database.close();
  }
}
