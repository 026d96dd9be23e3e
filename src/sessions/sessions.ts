/**
 * The session layer every engine shares: ids from a CSPRNG, signed with HMAC-SHA256 in the cookie,
 * stored under a hash of the id (a leaked store holds no usable cookie), one deadline around every
 * store call so a stalled store answers 503 instead of hanging.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlogError, serviceUnavailable } from '../core/errors.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { UserSessions } from '../core/ports.ts';
import type { SessionStore } from './session-store.ts';

export interface SessionOptions {
  secret: string;
  ttlSeconds: number;
  storeTimeoutMs: number;
  idBytes: number;
}

/** Rejects with SERVICE_UNAVAILABLE when `promise` has not settled within `ms`, or fails. */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(serviceUnavailable(new Error(`session store did not answer within ${ms} ms`))), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } catch (error) {
    throw error instanceof BlogError ? error : serviceUnavailable(error);
  } finally {
    clearTimeout(timer);
  }
}

export class Sessions implements UserSessions {
  readonly store: SessionStore;
  readonly #options: SessionOptions;

  constructor(store: SessionStore, options: SessionOptions) {
    this.store = store;
    this.#options = options;
  }

  /** The user of a signed cookie value; null for a missing, forged, expired or ended session. */
  async read(cookieValue: string | undefined): Promise<SessionUser | null> {
    const id = cookieValue === undefined ? undefined : this.#verify(cookieValue);
    if (id === undefined) return null;
    return (await withDeadline(this.store.get(this.#keyOf(id)), this.#options.storeTimeoutMs)) ?? null;
  }

  /** Starts a session with a fresh id and resolves the cookie value to send. */
  async create(user: SessionUser): Promise<string> {
    const id = randomBytes(this.#options.idBytes).toString('base64url');
    await withDeadline(this.store.set(this.#keyOf(id), user, this.#options.ttlSeconds), this.#options.storeTimeoutMs);
    return `${id}.${this.#sign(id)}`;
  }

  /** Ends the session of a cookie value on the server, so a replayed cookie no longer works. */
  async destroy(cookieValue: string | undefined): Promise<void> {
    const id = cookieValue === undefined ? undefined : this.#verify(cookieValue);
    if (id === undefined) return;
    await withDeadline(this.store.destroy(this.#keyOf(id)), this.#options.storeTimeoutMs);
  }

  /** Ends every session of the user on the server but the one of `keepCookie` (the one that asked). */
  async endSessionsOf(userId: number, keepCookie?: string): Promise<number> {
    const keep = keepCookie === undefined ? undefined : this.#verify(keepCookie);
    return withDeadline(this.store.destroyUser(userId, keep === undefined ? undefined : this.#keyOf(keep)), this.#options.storeTimeoutMs);
  }

  /** Every session; no deadline: a command waits for a store with many sessions (a Redis scan). */
  endAllSessions(): Promise<number> {
    return this.store.destroyAll();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  #sign(id: string): string {
    return createHmac('sha256', this.#options.secret).update(id).digest('base64url');
  }

  #verify(cookieValue: string): string | undefined {
    const dot = cookieValue.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const id = cookieValue.slice(0, dot);
    const given = Buffer.from(cookieValue.slice(dot + 1));
    const expected = Buffer.from(this.#sign(id));
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }

  #keyOf(id: string): string {
    return createHash('sha256').update(id).digest('base64url');
  }
}
