import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import type { SessionUser } from '../../src/core/session-user.ts';
import { createAppLog } from '../../src/ops/app-log.ts';
import { MemorySessionStore } from '../../src/sessions/memory-store.ts';
import type { SessionStore } from '../../src/sessions/session-store.ts';
import { Sessions } from '../../src/sessions/sessions.ts';
import { migrateSessionDatabase, sessionMigrations } from '../../src/sessions/sqlite-migrations.ts';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store.ts';
import { runSessionStoreLifecycle } from '../helpers/session-store-lifecycle.ts';

const directory = mkdtempSync(join(tmpdir(), 'blog-server-sessions-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const sqliteOptions = (path: string) => ({ path, busyTimeoutMs: 1_000, purgeIntervalMs: 60_000, log: createAppLog() });

runSessionStoreLifecycle('memory', () => new MemorySessionStore());
runSessionStoreLifecycle('sqlite', () => new SqliteSessionStore(sqliteOptions(join(directory, 'lifecycle.db'))));

const user: SessionUser = { userId: 1, username: 'zhangsan', realname: '张三' };
const options = { secret: 'a'.repeat(32), ttlSeconds: 60, storeTimeoutMs: 200, idBytes: 32 };

describe('SQLite session store', () => {
  it('is shared by two connections to one file and survives reopening', async () => {
    const path = join(directory, 'shared.db');
    const [first, second] = [new SqliteSessionStore(sqliteOptions(path)), new SqliteSessionStore(sqliteOptions(path))];
    await first.set('k', user, 60);
    assert.deepEqual(await second.get('k'), user);
    await first.close();
    await second.close();
    const reopened = new SqliteSessionStore(sqliteOptions(path));
    assert.deepEqual(await reopened.get('k'), user);
    await reopened.close();
  });

  it('keeps a file made before it had migrations, with its sessions, and records the migration', async () => {
    const path = join(directory, 'before-migrations.db');
    const old = new SqliteDatabase(path);
    // What the store created by itself before it had migrations.
    old.exec(`create table if not exists sessions (
      key text primary key, data text not null, expires integer not null
    ) without rowid;
    create index if not exists sessions_expires on sessions (expires);`);
    old.prepare('insert into sessions (key, data, expires) values (?, ?, ?)').run('k', JSON.stringify(user), Date.now() + 60_000);
    old.close();
    const store = new SqliteSessionStore(sqliteOptions(path));
    assert.deepEqual(await store.get('k'), user);
    await store.close();
    const file = new SqliteDatabase(path, { readonly: true });
    assert.deepEqual(file.prepare('select name from session_migrations').pluck().all(), sessionMigrations.map((migration) => migration.name));
    file.close();
  });

  it('applies each migration once, even when several processes open a new file at the same moment', async () => {
    const path = join(directory, 'migrated-at-once.db');
    const module = new URL('../../src/sessions/sqlite-migrations.ts', import.meta.url).href;
    // Each process waits for the same instant, so that they contend for the lock, and a slow second
    // migration keeps the first one's lock held long enough for the others to be waiting on it.
    const slow = { name: '2099-01-01-001-slow', sql: 'create table slow as with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c' };
    const script = `import SqliteDatabase from 'better-sqlite3';
      import { migrateSessionDatabase, sessionMigrations } from ${JSON.stringify(module)};
      const [path, at, slow] = process.argv.slice(1);
      const database = new SqliteDatabase(path, { timeout: 10000 });
      database.pragma('journal_mode = WAL');
      await new Promise((resolve) => setTimeout(resolve, Number(at) - Date.now()));
      process.stdout.write(JSON.stringify(migrateSessionDatabase(database, [...sessionMigrations, JSON.parse(slow)])));
      database.close();`;
    const at = String(Date.now() + 3_000);
    const outputs = await Promise.all([1, 2, 3].map(() => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path, at, JSON.stringify(slow)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`migrating process exited with ${code}`))));
    })));
    const applied = outputs.flatMap((output) => JSON.parse(output) as string[]);
    assert.deepEqual(applied, [...sessionMigrations, slow].map((migration) => migration.name), 'each migration ran in exactly one process');
  });

  it('keeps the user of sessions made before sessions were indexed by user', async () => {
    const path = join(directory, 'first-release.db');
    const database = new SqliteDatabase(path);
    try {
      migrateSessionDatabase(database, sessionMigrations.slice(0, 1));
      const insert = database.prepare('insert into sessions (key, data, expires) values (?, ?, ?)');
      insert.run('old-1', JSON.stringify({ userId: 5, username: 'lisi', realname: '李四' }), Date.now() + 60_000);
      insert.run('old-2', JSON.stringify({ userId: 6, username: 'wangwu', realname: '王五' }), Date.now() + 60_000);
    } finally {
      database.close();
    }
    const store = new SqliteSessionStore(sqliteOptions(path));
    try {
      assert.equal(await store.destroyUser(5), 1);
      assert.equal(await store.get('old-1'), undefined);
      assert.equal((await store.get('old-2'))?.username, 'wangwu');
    } finally {
      await store.close();
    }
  });

  it('applies a later migration to a file made by the earlier ones', () => {
    const database = new SqliteDatabase(join(directory, 'later.db'));
    try {
      // A file of the first release, before the login counters moved beside the sessions.
      assert.deepEqual(migrateSessionDatabase(database, sessionMigrations.slice(0, 1)), ['2026-11-25-001-sessions']);
      const later = [...sessionMigrations, { name: '2099-01-01-001-later', sql: 'create table later (x integer)' }];
      assert.deepEqual(migrateSessionDatabase(database, later), ['2026-12-01-001-login-failures', '2026-12-01-002-sessions-user', '2099-01-01-001-later']);
      assert.deepEqual(migrateSessionDatabase(database, later), []);
      assert.deepEqual(database.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all(), ['later', 'login_failures', 'session_migrations', 'sessions']);
    } finally {
      database.close();
    }
  });

  it('purges expired sessions', async () => {
    const store = new SqliteSessionStore(sqliteOptions(join(directory, 'purge.db')));
    await store.set('old', user, 1);
    await store.set('new', user, 60);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal(store.purgeExpired(), 1);
    assert.deepEqual(await store.get('new'), user);
    await store.close();
  });

  it('purges expired login failure counters, which live in the same file', async () => {
    const store = new SqliteSessionStore(sqliteOptions(join(directory, 'purge-counters.db')));
    const insert = store.database.prepare('insert into login_failures (key, points, expire) values (?, ?, ?)');
    insert.run('login_fail_ip:old', 3, Date.now() - 1);
    insert.run('login_fail_ip:new', 3, Date.now() + 60_000);
    store.purgeExpired();
    assert.deepEqual(store.database.prepare('select key from login_failures').pluck().all(), ['login_fail_ip:new']);
    await store.close();
  });
});

describe('session layer', () => {
  it('issues signed 256-bit ids and stores only their hash', async () => {
    const store = new MemorySessionStore();
    const sessions = new Sessions(store, options);
    const cookie = await sessions.create(user);
    const [id, signature] = cookie.split('.');
    assert.equal(Buffer.from(id!, 'base64url').length, 32);
    assert.ok(signature && signature.length >= 43);
    assert.equal(await store.get(id!), undefined, 'the raw id is not a store key');
    assert.deepEqual(await sessions.read(cookie), user);
    assert.notEqual(await sessions.create(user), cookie, 'ids are never reused');
  });

  it('refuses forged and tampered cookies', async () => {
    const sessions = new Sessions(new MemorySessionStore(), options);
    const cookie = await sessions.create(user);
    const other = new Sessions(new MemorySessionStore(), { ...options, secret: 'b'.repeat(32) });
    assert.equal(await other.read(cookie), null, 'another secret');
    assert.equal(await sessions.read(`x${cookie}`), null);
    assert.equal(await sessions.read(`${cookie}x`), null);
    assert.equal(await sessions.read('no-dot'), null);
    assert.equal(await sessions.read(undefined), null);
  });

  it('destroys a session so a replayed cookie reads as anonymous', async () => {
    const sessions = new Sessions(new MemorySessionStore(), options);
    const cookie = await sessions.create(user);
    await sessions.destroy(cookie);
    assert.equal(await sessions.read(cookie), null);
  });

  it('answers SERVICE_UNAVAILABLE within its deadline when the store stalls or fails', async () => {
    const stalled: SessionStore = {
      get: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      destroy: () => new Promise(() => {}),
      destroyUser: () => new Promise(() => {}),
      destroyAll: () => new Promise(() => {}),
      close: async () => {},
    };
    const sessions = new Sessions(stalled, options);
    const started = Date.now();
    await assert.rejects(sessions.create(user), { code: 'SERVICE_UNAVAILABLE' });
    await assert.rejects(sessions.read(await new Sessions(new MemorySessionStore(), options).create(user)), { code: 'SERVICE_UNAVAILABLE' });
    assert.ok(Date.now() - started < 2_000);
    const failing: SessionStore = { ...stalled, set: async () => Promise.reject(new Error('disk I/O error')) };
    await assert.rejects(new Sessions(failing, options).create(user), { code: 'SERVICE_UNAVAILABLE' });
  });
});
