/**
 * The one node-redis client an app shares between its session store and its login limiter (so it
 * lives here, with the other clients of outside services, not in either), kept so that a Redis
 * outage costs a quick 503 instead of a hang. node-redis does not fail fast by default (measured
 * with node-redis 6): with Redis killed its commands wait 5 s, with Redis hung longer than 12 s,
 * and `connect()` never settles while Redis is down at boot. So: no offline queue (commands fail at
 * once while reconnecting), a connect timeout, a socket timeout that a ping keeps from firing on an
 * idle but healthy connection, a bound on commands awaiting a reply, a bounded backoff that retries
 * for ever, an `error` listener (without one the process exits), a deadline on connecting at boot,
 * and the callers' own deadline around every call.
 */
import { createClient, type RedisClientType } from 'redis';
import { defaults } from '../config/defaults.ts';
import { describeError } from './describe-error.ts';
import { maskUrl } from './mask-url.ts';

export type RedisClient = RedisClientType;

/** The Redis client's settings (`src/config/defaults.ts`). */
export const redisDefaults = defaults.redis;

export interface RedisOptions {
  /** Deadline of a command still waiting to be written; callers also put their own deadline around each call. */
  commandTimeoutMs: number;
  /** Overrides the `?prefix=` of the URL. */
  prefix?: string;
  bootTimeoutMs?: number;
  /** Where connection losses (warn, with their error) and recoveries (info) are reported: the app log. */
  log: RedisLog;
}

/** The part of the app log (src/ops/app-log.ts) the client reports to. */
export interface RedisLog {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
}

export interface SharedRedis {
  readonly client: RedisClient;
  /** Prepended to every key: the session store and the limiter each add their own part. */
  readonly prefix: string;
  /** The URL with its password masked. */
  readonly displayUrl: string;
  /** Closes the client; waits at most a second for commands in flight. */
  close(): Promise<void>;
}

/** The URL without blog-server's `prefix` parameter (node-redis ignores query strings), and that prefix. */
export function parseRedisUrl(url: string): { url: string; displayUrl: string; prefix: string | undefined } {
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get('prefix') ?? undefined;
  parsed.searchParams.delete('prefix');
  return { url: parsed.toString(), displayUrl: maskUrl(parsed.toString()), prefix };
}

/** 50 ms, 100 ms, … up to the cap, with jitter so that many processes do not reconnect in step. */
export function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 16), redisDefaults.reconnectMaxDelayMs) + Math.floor(Math.random() * 50);
}

/**
 * Connects to Redis, or rejects within `bootTimeoutMs` with a message naming the URL (password
 * masked) so that the server exits instead of waiting for ever.
 */
export async function connectRedis(url: string, options: RedisOptions): Promise<SharedRedis> {
  const target = parseRedisUrl(url);
  const { log } = options;
  const bootTimeoutMs = options.bootTimeoutMs ?? redisDefaults.bootTimeoutMs;
  const client: RedisClient = createClient({
    url: target.url,
    disableOfflineQueue: true,
    commandsQueueMaxLength: redisDefaults.maxPendingCommands,
    pingInterval: redisDefaults.pingIntervalMs,
    commandOptions: { timeout: options.commandTimeoutMs },
    socket: {
      connectTimeout: redisDefaults.connectTimeoutMs,
      socketTimeout: redisDefaults.socketTimeoutMs,
      keepAlive: true,
      reconnectStrategy: reconnectDelay,
    },
  });

  let lastError: unknown;
  let up = false;
  let outage = false;
  client.on('error', (error: unknown) => {
    lastError = error;
    // One line per outage, not one per reconnect attempt; failures at boot are reported by the deadline.
    if (up) log.warn(`redis ${target.displayUrl}: connection lost (${describeError(error)}); reconnecting`, error);
    outage ||= up;
    up = false;
  });
  client.on('ready', () => {
    if (outage) log.info(`redis ${target.displayUrl}: connected again`);
    up = true;
    outage = false;
  });

  const connecting = client.connect();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), bootTimeoutMs);
  });
  const outcome = await Promise.race([connecting.then(() => 'connected' as const, (error: unknown) => error), deadline]);
  clearTimeout(timer);
  if (outcome !== 'connected') {
    connecting.catch(() => {});
    client.destroy();
    const reason = outcome === 'timeout' ? (lastError === undefined ? 'no answer' : describeError(lastError)) : describeError(outcome);
    throw new Error(`REDIS_URL: cannot connect to ${target.displayUrl} within ${bootTimeoutMs} ms (${reason})`);
  }

  let closing: Promise<void> | undefined;
  return {
    client,
    prefix: options.prefix ?? target.prefix ?? redisDefaults.prefix,
    displayUrl: target.displayUrl,
    close() {
      closing ??= (async () => {
        if (!client.isOpen) return;
        if (!client.isReady) {
          client.destroy();
          return;
        }
        let wait: NodeJS.Timeout | undefined;
        const closed = client.close().then(() => true, () => false);
        const late = new Promise<false>((resolve) => {
          wait = setTimeout(() => resolve(false), 1_000);
        });
        const graceful = await Promise.race([closed, late]);
        clearTimeout(wait);
        if (!graceful && client.isOpen) client.destroy();
      })();
      return closing;
    },
  };
}
