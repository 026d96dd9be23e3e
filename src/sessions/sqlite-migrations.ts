/**
 * The SQLite session file's schema, versioned as the blog database's is: a static list of dated
 * migrations, applied in order and recorded by name in `session_migrations`. They run under
 * `BEGIN IMMEDIATE`, SQLite's write lock held from before the record is read until the last one is
 * recorded, so several processes opening a new file at once apply each exactly once (the others wait
 * for the lock, within the busy timeout, then find them done). Frozen: never edit or rename a
 * migration that shipped; a change is a new one (test/backends/schema-snapshot.test.ts fails otherwise).
 */
import type SqliteDatabase from 'better-sqlite3';

export interface SessionMigration {
  readonly name: string;
  readonly sql: string;
}

export const sessionMigrations: readonly SessionMigration[] = [
  {
    // The table the store created by itself before it had migrations: a file made then keeps it as it is.
    name: '2026-11-25-001-sessions',
    sql: `create table if not exists sessions (
      key text primary key, data text not null, expires integer not null
    ) without rowid;
    create index if not exists sessions_expires on sessions (expires);`,
  },
  {
    // Failed-login counters beside the sessions, so every process of the machine counts the same
    // failures: rate-limiter-flexible's RateLimiterSQLite table (src/security/sqlite-limiter.ts), made
    // here rather than by the library so that the schema has one path. `expire` is in ms.
    name: '2026-12-01-001-login-failures',
    sql: `create table if not exists login_failures (
      key text not null primary key, points integer not null default 0, expire integer
    );
    create index if not exists login_failures_expire on login_failures (expire);`,
  },
  {
    // A user's sessions, findable so that a password change can end them. Sessions of a file made
    // before keep their user: it is in their JSON.
    name: '2026-12-01-002-sessions-user',
    sql: `alter table sessions add column user_id integer;
    update sessions set user_id = json_extract(data, '$.userId');
    create index sessions_user on sessions (user_id);`,
  },
];

const recordTable = 'session_migrations';

function appliedNames(database: SqliteDatabase.Database): Set<string> {
  const recorded = database.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(recordTable) !== undefined;
  return new Set(recorded ? database.prepare(`select name from ${recordTable}`).pluck().all() as string[] : []);
}

/** Brings the session file's schema up to date; returns the names of the migrations applied now. */
export function migrateSessionDatabase(database: SqliteDatabase.Database, migrations: readonly SessionMigration[] = sessionMigrations): string[] {
  // Up to date (every start but the first): a read, which in WAL mode waits for no writer.
  const seen = appliedNames(database);
  if (migrations.every((migration) => seen.has(migration.name))) return [];
  return database.transaction(() => {
    database.exec(`create table if not exists ${recordTable} (name text primary key, applied_at text not null) without rowid`);
    const done = appliedNames(database);
    const record = database.prepare(`insert into ${recordTable} (name, applied_at) values (?, ?)`);
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      database.exec(migration.sql);
      record.run(migration.name, new Date().toISOString());
      applied.push(migration.name);
    }
    return applied;
  }).immediate();
}
