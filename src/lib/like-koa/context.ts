/**
 * `ctx`: one request and its answer in one object, as Koa's context. Middleware set `status`,
 * headers and `body`; nothing is written until the whole onion has returned (index.ts `respond`),
 * so an outer middleware can still change the answer on its way back out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';

/** Statuses that carry no body. */
export const EMPTY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

export class Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  /** The query string as node:querystring parses it, as Koa's `ctx.query`. */
  readonly query: ParsedUrlQuery;
  /** false: the app writes nothing, for a middleware that answers on `res` itself (Koa's `ctx.respond`). */
  respond = true;
  #body: unknown = undefined;
  #explicitStatus = false;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.req = req;
    this.res = res;
    this.method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    this.path = mark === -1 ? url : url.slice(0, mark);
    this.query = parseQuery(mark === -1 ? '' : url.slice(mark + 1));
    // Until a middleware sets a body or a status, the answer is a 404.
    res.statusCode = 404;
  }

  get status(): number {
    return this.res.statusCode;
  }

  set status(code: number) {
    this.#explicitStatus = true;
    this.res.statusCode = code;
  }

  get body(): unknown {
    return this.#body;
  }

  /** An object is sent as JSON, a string as text; `null` means no body (204). Setting one makes a 404 a 200. */
  set body(value: unknown) {
    this.#body = value;
    if (value === null) {
      if (!EMPTY_STATUSES.has(this.status)) this.res.statusCode = 204;
    } else if (!this.#explicitStatus) {
      this.res.statusCode = 200;
    }
  }

  /** Sets a response header. */
  set(name: string, value: string | readonly string[]): void {
    this.res.setHeader(name, value);
  }
}
