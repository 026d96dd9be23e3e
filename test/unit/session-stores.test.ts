import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SessionUser } from '../../src/core/session-user.ts';
import { MemorySessionStore } from '../../src/sessions/memory-store.ts';
import type { SessionStore } from '../../src/sessions/session-store.ts';
import { Sessions } from '../../src/sessions/sessions.ts';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store.ts';
import { runSessionStoreLifecycle } from '../helpers/session-store-lifecycle.ts';

const directory = mkdtempSync(join(tmpdir(), 'blog-server-sessions-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const sqliteOptions = (path: string) => ({ path, busyTimeoutMs: 1_000, purgeIntervalMs: 60_000 });

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

  it('purges expired sessions', async () => {
    const store = new SqliteSessionStore(sqliteOptions(join(directory, 'purge.db')));
    await store.set('old', user, 1);
    await store.set('new', user, 60);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal(store.purgeExpired(), 1);
    assert.deepEqual(await store.get('new'), user);
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
