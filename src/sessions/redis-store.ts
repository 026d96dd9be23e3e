/**
 * Sessions in Redis: shared by every process and machine that uses the same Redis, and kept across
 * restarts. One key per session, `<prefix><hashed id>`, holding the user as JSON; Redis expires it
 * after the cookie's lifetime (`SET … EX`), so nothing needs purging. The client is shared with the
 * login limiter: its owner closes it, not this store. Calls fail at once while Redis is away (no
 * offline queue); `Sessions` puts its deadline around each one.
 */
import { defaults } from '../config/defaults.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { RedisClient } from '../connections/redis-client.ts';
import type { SessionStore } from './session-store.ts';

export interface RedisSessionStoreOptions {
  /** Prepended to every session key. @default 'blog:sess:' */
  prefix?: string;
}

export const defaultSessionPrefix = `${defaults.redis.prefix}sess:`;

export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly prefix: string;

  constructor(client: RedisClient, options: RedisSessionStoreOptions = {}) {
    this.#client = client;
    this.prefix = options.prefix ?? defaultSessionPrefix;
  }

  async get(key: string): Promise<SessionUser | undefined> {
    const value = await this.#client.get(this.prefix + key);
    return value === null ? undefined : (JSON.parse(value) as SessionUser);
  }

  async set(key: string, user: SessionUser, ttlSeconds: number): Promise<void> {
    await this.#client.set(this.prefix + key, JSON.stringify(user), { expiration: { type: 'EX', value: ttlSeconds } });
  }

  async destroy(key: string): Promise<void> {
    await this.#client.del(this.prefix + key);
  }

  /** The shared client stays open: the app closes it after everything that uses it. */
  async close(): Promise<void> {}
}
