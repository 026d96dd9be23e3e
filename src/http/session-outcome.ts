/**
 * Carries out what a route's outcome says of the session — start one at login, end one at logout —
 * in the store and in the cookie, the same way on every engine.
 */
import type { SessionUser } from '../core/session-user.ts';
import type { Sessions } from '../sessions/sessions.ts';
import { clearSessionCookie, sessionSetCookie, type CookieOptions } from './session-cookie.ts';

export type SessionChange = { start: SessionUser } | 'end';

/** Applies the change; resolves the `Set-Cookie` header to send. */
export async function applySessionChange(change: SessionChange, currentCookie: string | undefined, sessions: Sessions, cookie: CookieOptions): Promise<string> {
  // Ending a session and starting one both end the current one: a login always gets a new id (no fixation).
  await sessions.destroy(currentCookie);
  if (change === 'end') return clearSessionCookie(cookie);
  return sessionSetCookie(await sessions.create(change.start), cookie);
}
