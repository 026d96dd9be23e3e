/**
 * Failed-login limits (rate-limiter-flexible). Two counters: per client address + username, so an
 * attacker elsewhere cannot lock the owner out, and per address alone, so one address cannot try
 * username after username. Only failures count; a success clears its address + username counter.
 * The counters live in memory by default; `createLoginLimiter` takes any rate-limiter-flexible store
 * limiter so counts hold across processes: the app puts them beside the sessions (SQLite file or Redis).
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { serviceUnavailable } from '../core/errors.ts';
import type { LoginLimiter } from '../core/ports.ts';

export interface LoginLimits {
  failuresPerUserAndAddress: number;
  failuresPerAddress: number;
  windowSeconds: number;
}

/** Builds one counter; memory by default, a shared store when given one. */
export type LimiterFactory = (options: { keyPrefix: string; points: number; duration: number; blockDuration: number }) => RateLimiterAbstract;

const inMemory: LimiterFactory = (options) => new RateLimiterMemory(options);

/** Counts of a store that failed become 503s; a RateLimiterRes rejection only means "over the limit". */
async function settle<T>(operation: Promise<T>): Promise<T | RateLimiterRes> {
  try {
    return await operation;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw serviceUnavailable(rejection);
  }
}

export function createLoginLimiter(limits: LoginLimits, factory: LimiterFactory = inMemory): LoginLimiter {
  const window = { duration: limits.windowSeconds, blockDuration: limits.windowSeconds };
  const perUserAndAddress = factory({ keyPrefix: 'login_fail_user_ip', points: limits.failuresPerUserAndAddress, ...window });
  const perAddress = factory({ keyPrefix: 'login_fail_ip', points: limits.failuresPerAddress, ...window });
  const userKey = (address: string, username: string) => `${address}_${username}`;

  async function secondsLeft(limiter: RateLimiterAbstract, key: string, points: number): Promise<number> {
    const state = await settle(limiter.get(key));
    if (state === null || state.consumedPoints < points) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  return {
    async retryAfterSeconds(address, username) {
      const [user, all] = await Promise.all([
        secondsLeft(perUserAndAddress, userKey(address, username), limits.failuresPerUserAndAddress),
        secondsLeft(perAddress, address, limits.failuresPerAddress),
      ]);
      return Math.max(user, all);
    },

    async recordFailure(address, username) {
      await Promise.all([settle(perUserAndAddress.consume(userKey(address, username))), settle(perAddress.consume(address))]);
    },

    async recordSuccess(address, username) {
      await settle(perUserAndAddress.delete(userKey(address, username)));
    },
  };
}
