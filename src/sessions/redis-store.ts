/**
 * Sessions in Redis: shared by every process and machine that uses the same Redis, and kept across
 * restarts. One key per session, `<prefix><hashed id>`, holding the user as JSON; Redis expires it
 * after the cookie's lifetime (`SET … EX`), so nothing needs purging. A user's sessions are indexed
 * in a sorted set `<index prefix><user id>` (session key → expiry in ms), so that a password change
 * can end them: expired members are dropped at each login of that user, and the set itself expires
 * with its longest-lived session, so it stays exact without a sweep. The client is shared with the
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
  /** Prepended to each user's index of sessions. @default the prefix without its last `:`, then `-by-user:` (`blog:sess-by-user:`) */
  userIndexPrefix?: string;
}

export const defaultSessionPrefix = `${defaults.redis.prefix}sess:`;

/**
 * One atomic step (a script rather than MULTI so that it works on Redis 6, which has no `PEXPIREAT
 * … GT`): store the session, index it under its expiry, drop the index's expired members, and let the
 * index live exactly as long as its longest-lived session, even when SESSION_TTL was lowered since.
 */
const storeAndIndex = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1`;

/** A literal prefix in a SCAN pattern: `*`, `?`, `[`, `]` and `\\` escaped. */
const globEscaped = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly prefix: string;
  readonly userIndexPrefix: string;

  constructor(client: RedisClient, options: RedisSessionStoreOptions = {}) {
    this.#client = client;
    this.prefix = options.prefix ?? defaultSessionPrefix;
    // Outside `<prefix>*`, so that a scan of the sessions finds sessions only.
    this.userIndexPrefix = options.userIndexPrefix ?? `${this.prefix.replace(/:$/, '')}-by-user:`;
  }

  async get(key: string): Promise<SessionUser | undefined> {
    const value = await this.#client.get(this.prefix + key);
    return value === null ? undefined : (JSON.parse(value) as SessionUser);
  }

  async set(key: string, user: SessionUser, ttlSeconds: number): Promise<void> {
    const now = Date.now();
    await this.#client.eval(storeAndIndex, {
      keys: [this.prefix + key, this.userIndexPrefix + String(user.userId)],
      arguments: [JSON.stringify(user), String(ttlSeconds), String(now + ttlSeconds * 1000), key, String(now)],
    });
  }

  async destroy(key: string): Promise<void> {
    const value = await this.#client.get(this.prefix + key);
    const userId = value === null ? undefined : (JSON.parse(value) as SessionUser).userId;
    if (userId === undefined) {
      await this.#client.del(this.prefix + key);
      return;
    }
    await this.#client.multi().del(this.prefix + key).zRem(this.userIndexPrefix + String(userId), key).exec();
  }

  async destroyUser(userId: number, exceptKey?: string): Promise<number> {
    const index = this.userIndexPrefix + String(userId);
    const listed = (await this.#client.zRangeByScore(index, Date.now(), '+inf')).filter((key) => key !== exceptKey);
    if (listed.length === 0) return 0;
    // Only keys that still hold this user's session: the index is a hint, the session key the truth.
    const values = await this.#client.mGet(listed.map((key) => this.prefix + key));
    const keys = listed.filter((_, at) => {
      const value = values[at];
      return value !== null && value !== undefined && (JSON.parse(value) as SessionUser).userId === userId;
    });
    const transaction = this.#client.multi().zRem(index, listed);
    if (keys.length > 0) transaction.del(keys.map((key) => this.prefix + key));
    const replies = await transaction.exec();
    return keys.length > 0 ? Number(replies[1]) : 0;
  }

  /**
   * Scans `<prefix>*` (the sessions only: the user indexes are outside it), then `<index prefix>*`,
   * unlinking each page the scan returns; sessions made while it runs may survive it.
   */
  async destroyAll(): Promise<number> {
    const ended = await this.#unlinkAll(`${globEscaped(this.prefix)}*`);
    await this.#unlinkAll(`${globEscaped(this.userIndexPrefix)}*`);
    return ended;
  }

  async #unlinkAll(pattern: string): Promise<number> {
    let unlinked = 0;
    for await (const keys of this.#client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
      if (keys.length > 0) unlinked += await this.#client.unlink(keys);
    }
    return unlinked;
  }

  /** The shared client stays open: the app closes it after everything that uses it. */
  async close(): Promise<void> {}
}
