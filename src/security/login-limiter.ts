/**
 * Failed-login limits (rate-limiter-flexible). Two counters: per client address + username, so an
 * attacker elsewhere cannot lock the owner out, and per address alone, so one address cannot try
 * username after username. Only failures count; a success clears its address + username counter.
 * The counters live in memory by default; `createLoginLimiter` takes any rate-limiter-flexible store
 * limiter so counts hold across processes: the app puts them beside the sessions (SQLite file or Redis).
 * There `unlock` (the `user unlock` command) can reach them from another process; in memory it cannot.
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

/**
 * The keys of one counter (`keyPrefix`) that end in `suffix`, without the `<keyPrefix>:` the store
 * puts before them: what `unlock` needs and rate-limiter-flexible does not offer.
 */
export type KeyLister = (keyPrefix: string, suffix: string) => Promise<string[]>;

/** Counters kept outside the process: the limiters and a way to find their keys. */
export interface CounterStore {
  factory: LimiterFactory;
  listKeys: KeyLister;
}

const inMemory: LimiterFactory = (options) => new RateLimiterMemory(options);

/** Raised by `unlock` on in-memory counters: they live in the server's process, out of reach. */
export class CountersOutOfReach extends Error {}

/**
 * Whether `key` (`<address>_<username>`) is `username`'s. An address has no `_` (IPv4, IPv6, a
 * forwarded hop nginx wrote), so the first `_` ends it: `alice` never matches `x_alice`'s key.
 */
export function isUserKey(key: string, username: string): boolean {
  const cut = key.length - username.length - 1;
  return cut > 0 && key.endsWith(`_${username}`) && !key.slice(0, cut).includes('_');
}

/** Counts of a store that failed become 503s; a RateLimiterRes rejection only means "over the limit". */
async function settle<T>(operation: Promise<T>): Promise<T | RateLimiterRes> {
  try {
    return await operation;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw serviceUnavailable(rejection);
  }
}

export function createLoginLimiter(limits: LoginLimits, store?: CounterStore): LoginLimiter {
  const factory = store?.factory ?? inMemory;
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
      const [user, all] = await Promise.all([settle(perUserAndAddress.consume(userKey(address, username))), settle(perAddress.consume(address))]);
      // The failure that brings a counter to its limit is the one that locks; later ones are refused before counting.
      return { user: user.consumedPoints === limits.failuresPerUserAndAddress, address: all.consumedPoints === limits.failuresPerAddress };
    },

    async recordSuccess(address, username) {
      await settle(perUserAndAddress.delete(userKey(address, username)));
    },

    async unlock(username) {
      if (!store) throw new CountersOutOfReach('the login counters are in the memory of the server process (SESSION_STORE=memory): only a restart of the server clears them');
      const found = await store.listKeys('login_fail_user_ip', `_${username}`).catch((error: unknown) => {
        throw serviceUnavailable(error);
      });
      const keys = found.filter((key) => isUserKey(key, username));
      let cleared = 0;
      let wasLocked = false;
      for (const key of keys) {
        const state = await settle(perUserAndAddress.get(key));
        if (state !== null) {
          cleared += 1;
          if (state.consumedPoints >= limits.failuresPerUserAndAddress) wasLocked = true;
        }
        await settle(perUserAndAddress.delete(key));
      }
      return { cleared, wasLocked };
    },
  };
}
