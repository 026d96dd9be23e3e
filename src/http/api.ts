/**
 * The API every engine serves: finds the route of a request, runs the login check and the handler,
 * applies session changes (cookie + store) and renders the envelope. Engines only translate their
 * framework's request into a `RouteRequest` and write the `ApiResponse` back.
 */
import type { IncomingMessage } from 'node:http';
import { BlogError } from '../core/errors.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { Sessions } from '../sessions/sessions.ts';
import { renderError, success, type ApiResponse, type ErrorLogger, type HeaderValue } from './envelope.ts';
import { clientAddressOf } from './client-address.ts';
import type { Fields } from './fields.ts';
import { parseQuery, type Query } from './query.ts';
import type { Route, RouteContext, Services } from './routes.ts';
import { clearSessionCookie, readSessionCookie, sessionSetCookie, type CookieOptions } from './session-cookie.ts';

export interface RouteRequest {
  path: string;
  /** The raw query string, without `?`. */
  search: string;
  /** The parsed body: undefined when there was none. */
  body: unknown;
  /** node's request under any framework: its cookie and address are read only when a route needs them. */
  incoming: IncomingMessage;
}

export interface ApiOptions {
  routes: readonly Route[];
  services: Services;
  sessions: Sessions;
  cookie: CookieOptions;
  /** Behind nginx: the client address is the first X-Forwarded-For hop. */
  trustProxy: boolean;
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

const noFields: Fields = Object.freeze({});

function asFields(body: unknown): Fields {
  if (body === undefined || body === null || body === '') return noFields;
  if (typeof body !== 'object' || Array.isArray(body)) throw new BlogError('MALFORMED_BODY', '请求体必须是对象');
  return body as Fields;
}

/**
 * What a handler sees of one request. A class, not a literal with closures: it is built for every
 * request, and the session and the headers it reads are read only when a route asks.
 */
class RequestContext implements RouteContext {
  readonly path: string;
  readonly query: Query;
  readonly body: Fields;
  readonly #incoming: IncomingMessage;
  readonly #sessions: Sessions;
  readonly #cookieName: string;
  readonly #trustProxy: boolean;
  #user: Promise<SessionUser | null> | undefined;

  constructor(request: RouteRequest, sessions: Sessions, cookieName: string, trustProxy: boolean) {
    this.path = request.path;
    this.query = parseQuery(request.search);
    this.body = asFields(request.body);
    this.#incoming = request.incoming;
    this.#sessions = sessions;
    this.#cookieName = cookieName;
    this.#trustProxy = trustProxy;
  }

  get clientAddress(): string {
    return clientAddressOf(this.#incoming, this.#trustProxy);
  }

  /** The signed session id the client sent, if any. */
  get sessionCookie(): string | undefined {
    return readSessionCookie(this.#incoming.headers.cookie, this.#cookieName);
  }

  user(): Promise<SessionUser | null> {
    return (this.#user ??= this.#sessions.read(this.sessionCookie));
  }

  async requireUser(): Promise<SessionUser> {
    const current = await this.user();
    if (!current) throw new BlogError('SESSION_REQUIRED');
    return current;
  }
}

export function createApi({ routes, services, sessions, cookie, trustProxy, log }: ApiOptions): Api {
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
      const context = new RequestContext(request, sessions, cookie.name, trustProxy);
      if (route.auth === 'user') await context.requireUser();
      const outcome = await route.handle(context, services);
      if (outcome.session === undefined) return success(outcome.data, outcome.headers);
      const headers: Record<string, HeaderValue> = { ...outcome.headers };
      const sessionCookie = context.sessionCookie;
      if (outcome.session === 'end') {
        await sessions.destroy(sessionCookie);
        headers['Set-Cookie'] = clearSessionCookie(cookie);
      } else {
        // A login always gets a new id; the old session, if any, ends (no fixation).
        await sessions.destroy(sessionCookie);
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
