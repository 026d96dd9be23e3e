/**
 * Cross-site request protection. `SameSite=Lax` keeps the session cookie off POSTs from other
 * sites, but not from a sibling origin of the same site (another port, a subdomain), which may
 * submit a form or a `fetch` with the user's cookie. So a POST that says where it comes from — its
 * `Origin`, or lacking one its `Referer` (RFC 6454 §7, as the OWASP CSRF cheat sheet's "verifying
 * origin with standard headers") — must come from the server's own origin, as the client saw it,
 * or one of `ALLOWED_ORIGINS`. A request with neither header (curl, scripts, the course's clients)
 * is not a browser's cross-site request and passes; `Origin: null` (a sandboxed frame, a redirect
 * across origins, a `file:` page) is cross-site.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseOrigin } from '../config/setting.ts';
import { BlogError } from '../core/errors.ts';

export interface CrossSiteOptions {
  /** Behind nginx: the origin the client saw is in `X-Forwarded-Proto` and `X-Forwarded-Host`. */
  trustProxy: boolean;
  /** Other origins whose pages may POST, normalized (`https://admin.example`). */
  allowedOrigins: readonly string[];
}

/** The first value of a header a proxy may have sent as a list (`https, http`). */
function firstValue(value: string | readonly string[] | undefined): string | undefined {
  const first = (typeof value === 'string' ? value : value?.[0])?.split(',')[0]?.trim();
  return first === '' ? undefined : first;
}

/** Where the request says it comes from: its Origin, else its Referer's origin; undefined when it says nothing. */
function claimedOrigin(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin;
  const referer = request.headers.referer;
  if (referer === undefined) return undefined;
  // A referer that is no URL, or a `data:`/`about:` page, has the opaque origin "null".
  return URL.canParse(referer) ? new URL(referer).origin : 'null';
}

/** The server's origin as the client addressed it; undefined without a usable Host. */
function ownOrigin(request: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwardedProto = trustProxy ? firstValue(request.headers['x-forwarded-proto']) : undefined;
  const forwardedHost = trustProxy ? firstValue(request.headers['x-forwarded-host']) : undefined;
  const scheme = forwardedProto ?? ((request.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http');
  const host = forwardedHost ?? request.headers.host;
  return host === undefined ? undefined : parseOrigin(`${scheme.toLowerCase()}://${host}`);
}

/** The check every POST to the API passes before its route runs: throws CROSS_SITE_REQUEST (403). */
export function crossSiteCheck({ trustProxy, allowedOrigins }: CrossSiteOptions): (request: IncomingMessage) => void {
  const allowed = new Set(allowedOrigins);
  return (request) => {
    if (request.method !== 'POST') return;
    const claimed = claimedOrigin(request);
    if (claimed === undefined) return;
    const origin = parseOrigin(claimed);
    if (origin !== undefined && (allowed.has(origin) || origin === ownOrigin(request, trustProxy))) return;
    throw new BlogError('CROSS_SITE_REQUEST');
  };
}
