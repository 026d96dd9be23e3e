/** The session cookie's attributes, the same on every engine: HttpOnly, Path=/, SameSite=Lax, Secure when configured. */
import { parseCookie, stringifySetCookie } from 'cookie';

export interface CookieOptions {
  name: string;
  secure: boolean;
  ttlSeconds: number;
}

export function readSessionCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  try {
    return parseCookie(cookieHeader)[name];
  } catch {
    return undefined;
  }
}

export function sessionSetCookie(value: string, options: CookieOptions): string {
  return stringifySetCookie(options.name, value, {
    httpOnly: true,
    path: '/',
    sameSite: 'lax',
    secure: options.secure,
    maxAge: options.ttlSeconds,
    expires: new Date(Date.now() + options.ttlSeconds * 1000),
  });
}

export function clearSessionCookie(options: CookieOptions): string {
  return stringifySetCookie(options.name, '', {
    httpOnly: true,
    path: '/',
    sameSite: 'lax',
    secure: options.secure,
    maxAge: 0,
    expires: new Date(0),
  });
}
