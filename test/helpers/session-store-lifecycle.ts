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

    it('keeps sessions apart', async () => {
      await store.set('a', { ...user, userId: 1 }, 60);
      await store.set('b', { ...user, userId: 2 }, 60);
      assert.equal((await store.get('a'))?.userId, 1);
      assert.equal((await store.get('b'))?.userId, 2);
    });
  });
}
