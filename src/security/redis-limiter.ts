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
import type { LimiterFactory } from './login-limiter.ts';

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
