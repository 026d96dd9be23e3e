/**
 * like-koa: the course's "中间件原理" Koa, typed. `app.use(async (ctx, next) => …)` adds to the onion
 * (compose.ts); `app.callback()` is the request listener that runs it with a fresh `ctx` and then
 * writes the answer the middleware left on it — or, when something threw all the way out, emits
 * `'error'` and answers with the error's status.
 */
import { EventEmitter } from 'node:events';
import { createServer, STATUS_CODES, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { compose, type Middleware } from './compose.ts';
import { Context, EMPTY_STATUSES } from './context.ts';

export { compose, type Middleware, type Next } from './compose.ts';
export { Context } from './context.ts';

function end(res: ServerResponse, type: string, text: string, head: boolean): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(head ? undefined : text);
}

/** Writes what the middleware left on `ctx`: nothing for a bodiless status, the status text for no body. */
function respond(ctx: Context): void {
  const { res, body } = ctx;
  if (!ctx.respond || res.headersSent) return;
  if (body === null || EMPTY_STATUSES.has(res.statusCode)) {
    res.end();
    return;
  }
  const head = ctx.method === 'HEAD';
  if (body === undefined) end(res, 'text/plain; charset=utf-8', STATUS_CODES[res.statusCode] ?? String(res.statusCode), head);
  else {
    // A Content-Type the middleware set stays.
    const json = typeof body !== 'string';
    const type = res.getHeader('Content-Type')?.toString() ?? (json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
    end(res, type, json ? JSON.stringify(body) : body, head);
  }
}

/** The error's own status (`err.status`, as http-errors set it) when it is a known one, else 500. */
function statusOf(error: unknown): number {
  const status = error instanceof Error && 'status' in error ? error.status : undefined;
  return typeof status === 'number' && STATUS_CODES[status] !== undefined ? status : 500;
}

export class LikeKoa extends EventEmitter<{ error: [error: unknown, ctx: Context] }> {
  readonly #middleware: Middleware<Context>[] = [];

  /** Adds a middleware to the onion, inside those added before it. */
  use(fn: Middleware<Context>): this {
    this.#middleware.push(fn);
    return this;
  }

  /** The request listener for `http.createServer`. */
  callback(): RequestListener {
    const run = compose(this.#middleware);
    // An 'error' event nobody listens to would throw; like Koa, the app logs instead.
    if (this.listenerCount('error') === 0) this.on('error', (error) => console.error(error));
    return (req, res) => {
      const ctx = new Context(req, res);
      run(ctx).then(() => respond(ctx)).catch((error: unknown) => this.#fail(ctx, error));
    };
  }

  /** `http.createServer(app.callback()).listen(…)`. */
  listen(port?: number, host?: string, listening?: () => void): Server {
    return createServer(this.callback()).listen(port, host, listening);
  }

  /** Koa's `ctx.onerror`: tell the app, then answer with the status alone — never the error's message. */
  #fail(ctx: Context, error: unknown): void {
    this.emit('error', error, ctx);
    const { res } = ctx;
    if (res.headersSent) return;
    // The headers were meant for the answer that failed.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.statusCode = statusOf(error);
    end(res, 'text/plain; charset=utf-8', STATUS_CODES[res.statusCode] ?? '', ctx.method === 'HEAD');
  }
}
