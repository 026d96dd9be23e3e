/** One lifecycle suite that every session store runs (memory, SQLite, Redis). */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { SessionStore } from '../../src/sessions/session-store.ts';

const user = { userId: 7, username: '张三', realname: 'Zhang San 😀' };

export function runSessionStoreLifecycle(name: string, create: () => Promise<SessionStore> | SessionStore): void {
  describe(`session store lifecycle: ${name}`, () => {
    let store: SessionStore;
    before(async () => {
      store = await create();
    });
    after(() => store.close());

    it('answers undefined for an unknown key', async () => {
      assert.equal(await store.get('missing'), undefined);
    });

    it('stores, reads back and destroys a session', async () => {
      await store.set('k1', user, 60);
      assert.deepEqual(await store.get('k1'), user);
      await store.destroy('k1');
      assert.equal(await store.get('k1'), undefined);
      await store.destroy('k1');
    });

    it('overwrites a key', async () => {
      await store.set('k2', user, 60);
      await store.set('k2', { ...user, realname: 'changed' }, 60);
      assert.equal((await store.get('k2'))?.realname, 'changed');
    });

    it('expires a session after its TTL', async () => {
      await store.set('k3', user, 1);
      assert.deepEqual(await store.get('k3'), user);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal(await store.get('k3'), undefined);
    });

    it('ends every session of one user but the one kept, and no other user\'s', async () => {
      const alice = { ...user, userId: 101 };
      const bob = { ...user, userId: 102 };
      for (const key of ['alice-1', 'alice-2', 'alice-3']) await store.set(key, alice, 60);
      await store.set('bob-1', bob, 60);
      assert.equal(await store.destroyUser(101, 'alice-2'), 2);
      assert.equal(await store.get('alice-1'), undefined);
      assert.equal(await store.get('alice-3'), undefined);
      assert.deepEqual(await store.get('alice-2'), alice, 'the kept session stays');
      assert.deepEqual(await store.get('bob-1'), bob, 'another user\'s session stays');
      assert.equal(await store.destroyUser(101), 1, 'without a kept session, the last one ends too');
      assert.equal(await store.get('alice-2'), undefined);
      assert.equal(await store.destroyUser(101), 0);
      assert.equal(await store.destroyUser(999), 0, 'a user without sessions');
    });

    it('counts a user\'s sessions exactly after logouts, re-logins and expiry', async () => {
      const carol = { ...user, userId: 103 };
      await store.set('carol-1', carol, 60);
      await store.set('carol-2', carol, 60);
      await store.set('carol-short', carol, 1);
      await store.destroy('carol-1');
      // A key that now belongs to someone else is no longer carol's.
      await store.set('carol-2', { ...carol, userId: 104 }, 60);
      await store.set('carol-3', carol, 60);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal(await store.destroyUser(103), 1, 'only carol-3 was live and hers');
      assert.equal((await store.get('carol-2'))?.userId, 104);
    });

    it('ends every session of every user, then works as before', async () => {
      await store.destroyAll();
      for (const [key, userId] of [['all-1', 201], ['all-2', 201], ['all-3', 202]] as const) await store.set(key, { ...user, userId }, 60);
      assert.equal(await store.destroyAll(), 3);
      for (const key of ['all-1', 'all-2', 'all-3']) assert.equal(await store.get(key), undefined);
      assert.equal(await store.destroyAll(), 0);
      assert.equal(await store.destroyUser(201), 0, 'no index entry is left behind');
      await store.set('all-4', { ...user, userId: 201 }, 60);
      assert.equal((await store.get('all-4'))?.userId, 201);
      assert.equal(await store.destroyUser(201), 1);
    });

    it('keeps sessions apart', async () => {
      await store.set('a', { ...user, userId: 1 }, 60);
      await store.set('b', { ...user, userId: 2 }, 60);
      assert.equal((await store.get('a'))?.userId, 1);
      assert.equal((await store.get('b'))?.userId, 2);
    });
  });
}
