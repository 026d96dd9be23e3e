/**
 * The API every engine serves: finds the route of a request, runs the login check and the handler,
 * applies session changes (cookie + store) and renders the envelope. Engines only translate their
 * framework's request into a `RouteRequest` and write the `ApiResponse` back.
 */
import { BlogError } from '../core/errors.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { Sessions } from '../sessions/sessions.ts';
import { renderError, success, type ApiResponse, type ErrorLogger, type HeaderValue } from './envelope.ts';
import type { Fields } from './fields.ts';
import { parseQuery } from './query.ts';
import type { Route, RouteContext, Services } from './routes.ts';
import { clearSessionCookie, readSessionCookie, sessionSetCookie, type CookieOptions } from './session-cookie.ts';

export interface RouteRequest {
  path: string;
  /** The raw query string, without `?`. */
  search: string;
  /** The parsed body: undefined when there was none. */
  body: unknown;
  cookieHeader: string | undefined;
  clientAddress: string;
}

export interface ApiOptions {
  routes: readonly Route[];
  services: Services;
  sessions: Sessions;
  cookie: CookieOptions;
  log: ErrorLogger;
}

export interface Api {
  readonly routes: readonly Route[];
  /** The route of `method path`; ROUTE_NOT_FOUND or METHOD_NOT_ALLOWED (with `Allow`) otherwise. HEAD matches GET. */
  match(method: string, path: string): Route;
  /** Runs a matched route. Never rejects: every failure is rendered as an envelope. */
  run(route: Route, request: RouteRequest): Promise<ApiResponse>;
  /** The error for a request no framework route took: METHOD_NOT_ALLOWED for a known path, else ROUTE_NOT_FOUND. */
  unmatched(method: string, path: string): BlogError;
  /** Renders any failure (a parser's 400/413, a 404) through the one error renderer. */
  fail(error: unknown): ApiResponse;
}

function asFields(body: unknown): Fields {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BlogError('MALFORMED_BODY', '请求体必须是对象');
  return body as Fields;
}

export function createApi({ routes, services, sessions, cookie, log }: ApiOptions): Api {
  const byPath = new Map<string, Route[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  function match(method: string, path: string): Route {
    const candidates = byPath.get(path);
    if (!candidates) throw new BlogError('ROUTE_NOT_FOUND');
    const wanted = method === 'HEAD' ? 'GET' : method;
    const route = candidates.find((candidate) => (candidate.methods as readonly string[]).includes(wanted));
    if (route) return route;
    const allowed: string[] = candidates.flatMap((candidate) => candidate.methods);
    if (allowed.includes('GET')) allowed.push('HEAD');
    throw new BlogError('METHOD_NOT_ALLOWED', undefined, { headers: { Allow: allowed.join(', ') } });
  }

  async function run(route: Route, request: RouteRequest): Promise<ApiResponse> {
    try {
      const cookieValue = readSessionCookie(request.cookieHeader, cookie.name);
      let user: Promise<SessionUser | null> | undefined;
      const context: RouteContext = {
        path: request.path,
        query: parseQuery(request.search),
        body: asFields(request.body),
        clientAddress: request.clientAddress,
        user: () => (user ??= sessions.read(cookieValue)),
        async requireUser() {
          const current = await context.user();
          if (!current) throw new BlogError('SESSION_REQUIRED');
          return current;
        },
      };
      if (route.auth === 'user') await context.requireUser();
      const outcome = await route.handle(context, services);
      if (outcome.session === undefined) return success(outcome.data, outcome.headers);
      const headers: Record<string, HeaderValue> = { ...outcome.headers };
      if (outcome.session === 'end') {
        await sessions.destroy(cookieValue);
        headers['Set-Cookie'] = clearSessionCookie(cookie);
      } else {
        // A login always gets a new id; the old session, if any, ends (no fixation).
        await sessions.destroy(cookieValue);
        headers['Set-Cookie'] = sessionSetCookie(await sessions.create(outcome.session.start), cookie);
      }
      return success(outcome.data, headers);
    } catch (error) {
      return renderError(error, log);
    }
  }

  function unmatched(method: string, path: string): BlogError {
    try {
      match(method, path);
    } catch (error) {
      if (error instanceof BlogError) return error;
    }
    return new BlogError('ROUTE_NOT_FOUND');
  }

  return { routes, match, run, unmatched, fail: (error) => renderError(error, log) };
}
