/**
 * The API every engine serves, through one small contract: engines with a router mount `routes` and
 * call `run` with the body their framework parsed, and hand `fail` what their framework threw (a
 * body parser's 400 or 413); everything else — requests no framework route took, and whole requests
 * for engines without a router — goes to `handle`. Every answer is rendered by envelope.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlogError } from '../core/errors.ts';
import type { Sessions } from '../sessions/sessions.ts';
import { readBody } from './body.ts';
import { crossSiteCheck } from './cross-site.ts';
import { documentResponse, renderError, success, type ApiResponse, type ErrorLogger } from './envelope.ts';
import { splitUrl } from './query.ts';
import { RequestContext, type RouteRequest } from './request-context.ts';
import type { Route, Services } from './route.ts';
import type { CookieOptions } from './session-cookie.ts';
import { applySessionChange } from './session-outcome.ts';
import { send } from './send.ts';

export type { RouteRequest } from './request-context.ts';

export interface ApiOptions {
  routes: readonly Route[];
  services: Services;
  sessions: Sessions;
  cookie: CookieOptions;
  /** Behind nginx: the client address is the first X-Forwarded-For hop, the origin the client saw is forwarded. */
  trustProxy: boolean;
  /** Origins besides the server's own whose pages may POST (src/http/cross-site.ts). */
  allowedOrigins: readonly string[];
  /** The site's absolute base URL (PUBLIC_URL) for feeds and the sitemap; undefined: each request's origin. */
  publicUrl?: string | undefined;
  /** Largest request body in bytes, for `handle` and the frameworks' body parsers. */
  bodyLimitBytes: number;
  log: ErrorLogger;
}

export interface Api {
  readonly routes: readonly Route[];
  readonly bodyLimitBytes: number;
  /** Runs a route a framework matched, with the body it parsed. Never rejects: every failure is rendered. */
  run(route: Route, request: RouteRequest): Promise<ApiResponse>;
  /** Renders a failure a framework reported (its body parser's, say) through the one renderer. */
  fail(error: unknown): ApiResponse;
  /**
   * Answers a whole request: finds its route (404, or 405 with `Allow`; HEAD matches GET), reads a
   * POST's body, runs the route and writes the answer. Never rejects.
   */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/**
 * Whether a conditional GET may be answered 304 (RFC 9110 §13.1): If-None-Match against the
 * document's ETag, else If-Modified-Since against its Last-Modified (seconds, as HTTP dates have).
 */
function notModified(headers: Readonly<Record<string, string>>, request: RequestContext): boolean {
  const etag = headers.ETag;
  const ifNoneMatch = request.header('if-none-match');
  if (ifNoneMatch !== undefined) return etag !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const lastModified = headers['Last-Modified'];
  const since = request.header('if-modified-since');
  if (lastModified === undefined || since === undefined) return false;
  const [modifiedAt, sinceAt] = [Date.parse(lastModified), Date.parse(since)];
  return !Number.isNaN(modifiedAt) && !Number.isNaN(sinceAt) && modifiedAt <= sinceAt;
}

export function createApi({ routes, services, sessions, cookie, trustProxy, allowedOrigins, publicUrl, bodyLimitBytes, log }: ApiOptions): Api {
  const byPath = new Map<string, Route[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  const contextOptions = { sessions, cookieName: cookie.name, trustProxy, publicUrl };
  const refuseCrossSite = crossSiteCheck({ trustProxy, allowedOrigins });

  function match(method: string, path: string): Route | BlogError {
    const candidates = byPath.get(path);
    if (!candidates) return new BlogError('ROUTE_NOT_FOUND');
    const wanted = method === 'HEAD' ? 'GET' : method;
    const route = candidates.find((candidate) => (candidate.methods as readonly string[]).includes(wanted));
    if (route) return route;
    const allowed: string[] = candidates.flatMap((candidate) => candidate.methods);
    if (allowed.includes('GET')) allowed.push('HEAD');
    return new BlogError('METHOD_NOT_ALLOWED', undefined, { headers: { Allow: allowed.join(', ') } });
  }

  /** Renders a failure of `route`; an error it does not declare is logged, so the table stays true. */
  function failed(route: Route, error: unknown): ApiResponse {
    if (error instanceof BlogError && !route.errors.has(error.code)) log(`route ${route.path} answered ${error.code}, which it does not declare:`, error);
    return renderError(error, log);
  }

  async function run(route: Route, request: RouteRequest): Promise<ApiResponse> {
    // The one catch of a route's work: whatever the handler, the session store or the core throws.
    try {
      // Before anything of the route runs, the session read included; the same on every engine.
      refuseCrossSite(request.incoming);
      const context = new RequestContext(request, contextOptions);
      if (route.auth === 'user') await context.requireUser();
      context.readInputs(route);
      const outcome = await route.handle(context, services);
      if ('document' in outcome) {
        if (notModified(outcome.headers ?? {}, context)) return { status: 304, headers: outcome.headers ?? {}, body: '' };
        return documentResponse(route.document ?? 'text/plain; charset=utf-8', outcome.document, outcome.headers);
      }
      if (outcome.session === undefined) return success(outcome.data, outcome.headers);
      const setCookie = await applySessionChange(outcome.session, context.sessionCookie, sessions, cookie);
      return success(outcome.data, { ...outcome.headers, 'Set-Cookie': setCookie });
    } catch (error) {
      return failed(route, error);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The catch of what happens before a route runs (no route, a body that cannot be read); `run`
    // renders everything after, so only a failure to write lands here too.
    try {
      const { path, search } = splitUrl(request.url ?? '/');
      const route = match(request.method ?? 'GET', path);
      if (route instanceof BlogError) throw route;
      const body = request.method === 'POST' ? await readBody(request, bodyLimitBytes) : undefined;
      send(request, response, await run(route, { path, search, body, incoming: request }));
    } catch (error) {
      if (response.headersSent) response.destroy();
      else send(request, response, renderError(error, log));
    }
  }

  return { routes, bodyLimitBytes, run, fail: (error) => renderError(error, log), handle };
}
