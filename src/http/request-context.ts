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
