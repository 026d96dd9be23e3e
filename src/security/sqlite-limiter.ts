/**
 * Login failure counters in the SQLite session file (rate-limiter-flexible's RateLimiterSQLite on the
 * session store's better-sqlite3 connection), so that every process of one machine — the workers of
 * a PM2 cluster — counts the same failures, as they share the same sessions.
 *
 * The table `login_failures` is made by the session file's migrations (src/sessions/sqlite-migrations.ts),
 * hence `tableCreated: true`; its expired rows are purged with the expired sessions. The library's own
 * purge timer stays off: it runs after the connection is closed and turns a busy file into an unhandled
 * rejection. better-sqlite3 is synchronous, so a locked file waits at most the store's busy timeout and
 * then throws, which `createLoginLimiter` turns into a 503; no extra deadline is needed.
 */
import type SqliteDatabase from 'better-sqlite3';
import { RateLimiterSQLite } from 'rate-limiter-flexible';
import type { CounterStore, KeyLister, LimiterFactory } from './login-limiter.ts';

/** The table made by the session file's migration `2026-12-01-001-login-failures`. */
export const loginFailuresTable = 'login_failures';

/** A factory for `createLoginLimiter` whose counters are rows `<keyPrefix>:<key>` of `login_failures`. */
export function sqliteLimiterFactory(database: SqliteDatabase.Database): LimiterFactory {
  return (options) =>
    new RateLimiterSQLite({
      storeClient: database,
      storeType: 'better-sqlite3',
      tableName: loginFailuresTable,
      tableCreated: true,
      clearExpiredByTimeout: false,
      ...options,
    });
}

/** `LIKE` matches `%` and `_` anywhere: escaped, a username is matched as written. */
function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (character) => `!${character}`);
}

/** The keys of one counter in `login_failures`, expired rows included (the limiter reads each). */
export function sqliteKeyLister(database: SqliteDatabase.Database): KeyLister {
  return async (keyPrefix, suffix) => {
    const rows = database.prepare(`select key from ${loginFailuresTable} where key like ? escape '!'`).pluck().all(`${likeLiteral(keyPrefix)}:%${likeLiteral(suffix)}`) as string[];
    return rows.map((key) => key.slice(keyPrefix.length + 1));
  };
}

/** The counters in the SQLite session file. */
export function sqliteCounterStore(database: SqliteDatabase.Database): CounterStore {
  return { factory: sqliteLimiterFactory(database), listKeys: sqliteKeyLister(database) };
}
