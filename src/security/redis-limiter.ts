/**
 * Login failure counters in Redis (rate-limiter-flexible's RateLimiterRedis on the app's shared
 * node-redis client), so that every process counts the same failures.
 *
 * No in-memory insurance limiter, by decision: while Redis is down each process would count on its
 * own, multiplying the failures an attacker gets by the number of processes, and the counts would be
 * lost when Redis returns. A login needs Redis for its session anyway, so it answers 503 instead:
 * `rejectIfRedisNotReady` fails at once while the client reconnects, and RLWrapperTimeouts bounds a
 * hung Redis (a hung `consume` never settles by itself). `createLoginLimiter`
 * turns both into SERVICE_UNAVAILABLE while an over-the-limit answer stays one.
 */
import { RateLimiterRedis, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { SharedRedis } from '../connections/redis-client.ts';
import type { CounterStore, KeyLister, LimiterFactory } from './login-limiter.ts';

/** A factory for `createLoginLimiter` whose counters live under `<redis prefix><keyPrefix>:`. */
export function redisLimiterFactory(redis: SharedRedis, deadlineMs: number): LimiterFactory {
  return ({ keyPrefix, ...limits }) =>
    new RLWrapperTimeouts({
      limiter: new RateLimiterRedis({
        storeClient: redis.client,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        keyPrefix: `${redis.prefix}${keyPrefix}`,
        ...limits,
      }),
      timeoutMs: deadlineMs,
    });
}

/** Redis's glob characters, escaped: a username is matched as written. */
function globLiteral(text: string): string {
  return text.replace(/[\\*?[\]^]/g, (character) => `\\${character}`);
}

/** The keys of one counter, found with SCAN (never KEYS, which blocks Redis). */
export function redisKeyLister(redis: SharedRedis): KeyLister {
  return async (keyPrefix, suffix) => {
    const start = `${redis.prefix}${keyPrefix}:`;
    const found: string[] = [];
    for await (const batch of redis.client.scanIterator({ MATCH: `${globLiteral(start)}*${globLiteral(suffix)}`, COUNT: 1000 })) {
      for (const key of batch) found.push(key.slice(start.length));
    }
    return found;
  };
}

/** The counters in Redis. */
export function redisCounterStore(redis: SharedRedis, deadlineMs: number): CounterStore {
  return { factory: redisLimiterFactory(redis, deadlineMs), listKeys: redisKeyLister(redis) };
}
