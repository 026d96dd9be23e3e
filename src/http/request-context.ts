/**
 * What a handler sees of one request (`RouteInput`): the inputs its route declares, read and
 * validated, and the session. A class, not a literal with closures: it is built for every request,
 * and the session and the headers it reads are read only when a route asks.
 */
import type { IncomingMessage } from 'node:http';
import { BlogError } from '../core/errors.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { Sessions } from '../sessions/sessions.ts';
import { clientAddressOf } from './client-address.ts';
import { bodyFields, readBodyInput, readQueryInput, type InputOf } from './inputs.ts';
import { parseQuery, type Query } from './query.ts';
import type { Route, RouteInput } from './route.ts';
import { readSessionCookie } from './session-cookie.ts';

/** One request as an engine hands it over. */
export interface RouteRequest {
  path: string;
  /** The raw query string, without `?`. */
  search: string;
  /** The parsed body: undefined when there was none. */
  body: unknown;
  /** node's request under any framework: its cookie and address are read only when a route needs them. */
  incoming: IncomingMessage;
}

export interface ContextOptions {
  sessions: Sessions;
  cookieName: string;
  /** Behind nginx: the client address is the first X-Forwarded-For hop. */
  trustProxy: boolean;
  /** The site's absolute base URL (PUBLIC_URL); undefined: the request's own origin. */
  publicUrl: string | undefined;
}

/** A host as a Host header may carry it: a name or an address, and a port. */
const hostPattern = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

function firstHop(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim() || undefined;
}

export class RequestContext implements RouteInput {
  readonly path: string;
  readonly rawQuery: Query;
  readonly #body: Readonly<Record<string, unknown>>;
  readonly #incoming: IncomingMessage;
  readonly #options: ContextOptions;
  #query: InputOf<Route['query']> | undefined;
  #bodyInput: InputOf<Route['body']> | undefined;
  #user: Promise<SessionUser | null> | undefined;

  /** Checks the body's shape at once (MALFORMED_BODY comes before the login check, on every engine). */
  constructor(request: RouteRequest, options: ContextOptions) {
    this.path = request.path;
    this.rawQuery = parseQuery(request.search);
    this.#body = bodyFields(request.body);
    this.#incoming = request.incoming;
    this.#options = options;
  }

  /** Reads the route's declared inputs; a wrong type throws INVALID_PARAMETER. */
  readInputs(route: Route): void {
    this.#query = readQueryInput(route.query, this.rawQuery);
    this.#bodyInput = readBodyInput(route.body, this.#body);
  }

  get query(): InputOf<Route['query']> {
    if (!this.#query) throw new Error('RequestContext: inputs read before readInputs()');
    return this.#query;
  }

  get body(): InputOf<Route['body']> {
    if (!this.#bodyInput) throw new Error('RequestContext: inputs read before readInputs()');
    return this.#bodyInput;
  }

  get clientAddress(): string {
    return clientAddressOf(this.#incoming, this.#options.trustProxy);
  }

  get userAgent(): string {
    return this.#incoming.headers['user-agent'] ?? '';
  }

  /** A request header's value (the first, if repeated); undefined when absent. */
  header(name: string): string | undefined {
    const value = this.#incoming.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /**
   * The site's origin for absolute links: PUBLIC_URL, else the request's own — X-Forwarded-Proto and
   * X-Forwarded-Host only under TRUST_PROXY (anyone can send them). A Host that is not a host name
   * (a header injection attempt) falls back to localhost rather than landing in a feed.
   */
  origin(): string {
    if (this.#options.publicUrl !== undefined) return this.#options.publicUrl;
    const headers = this.#incoming.headers;
    const proxied = this.#options.trustProxy;
    const forwardedProto = proxied ? firstHop(headers['x-forwarded-proto']) : undefined;
    const tls = 'encrypted' in this.#incoming.socket && this.#incoming.socket.encrypted === true;
    const protocol = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : tls ? 'https' : 'http';
    const host = (proxied ? firstHop(headers['x-forwarded-host']) : undefined) ?? headers.host;
    return `${protocol}://${host !== undefined && hostPattern.test(host) ? host : 'localhost'}`;
  }

  /** The signed session id the client sent, if any. */
  get sessionCookie(): string | undefined {
    return readSessionCookie(this.#incoming.headers.cookie, this.#options.cookieName);
  }

  user(): Promise<SessionUser | null> {
    return (this.#user ??= this.#options.sessions.read(this.sessionCookie));
  }

  async requireUser(): Promise<SessionUser> {
    const current = await this.user();
    if (!current) throw new BlogError('SESSION_REQUIRED');
    return current;
  }
}
