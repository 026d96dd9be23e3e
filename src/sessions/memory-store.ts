/** Sessions in this process's memory: for tests and single-process experiments, lost on restart. */
import type { SessionUser } from '../core/session-user.ts';
import type { SessionStore } from './session-store.ts';

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, { user: SessionUser; expiresAt: number }>();

  async get(key: string): Promise<SessionUser | undefined> {
    const entry = this.#sessions.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#sessions.delete(key);
      return undefined;
    }
    return entry.user;
  }

  async set(key: string, user: SessionUser, ttlSeconds: number): Promise<void> {
    this.#purgeExpired();
    this.#sessions.set(key, { user, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async destroy(key: string): Promise<void> {
    this.#sessions.delete(key);
  }

  async destroyUser(userId: number, exceptKey?: string): Promise<number> {
    this.#purgeExpired();
    let ended = 0;
    for (const [key, entry] of this.#sessions) {
      if (entry.user.userId === userId && key !== exceptKey) {
        this.#sessions.delete(key);
        ended += 1;
      }
    }
    return ended;
  }

  async destroyAll(): Promise<number> {
    this.#purgeExpired();
    const ended = this.#sessions.size;
    this.#sessions.clear();
    return ended;
  }

  async close(): Promise<void> {
    this.#sessions.clear();
  }

  /** Drops expired sessions on every write, so memory stays bounded by the live ones. */
  #purgeExpired(): void {
    const now = Date.now();
    for (const [key, entry] of this.#sessions) if (entry.expiresAt <= now) this.#sessions.delete(key);
  }
}
