/** The one interface every session store implements: memory, SQLite, Redis. */
import type { SessionUser } from '../core/session-user.ts';

export interface SessionStore {
  /** The session under `key`, or undefined when absent or expired. */
  get(key: string): Promise<SessionUser | undefined>;
  /** Stores a session that expires after `ttlSeconds`. */
  set(key: string, user: SessionUser, ttlSeconds: number): Promise<void>;
  destroy(key: string): Promise<void>;
  /** Ends every session of the user but the one under `exceptKey`; resolves how many ended. */
  destroyUser(userId: number, exceptKey?: string): Promise<number>;
  /** Ends every session (the users they name may be gone: a restore replaced them); resolves how many live ones ended. */
  destroyAll(): Promise<number>;
  close(): Promise<void>;
}
