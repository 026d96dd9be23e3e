/**
 * The whole idea of Express: the app is a list of layers, and `next` walks it. Each `use`, `get` or
 * `post` appends a layer; a request starts at the first one, and every call of `next()` resumes the
 * walk at the layer after the one that called it. A layer that answers and does not call `next` ends
 * the walk. An error is carried along the same walk, past every plain layer, to the next error
 * middleware — which is how `next(err)`, a throw and a rejected promise all reach the same place.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';

export interface Request extends IncomingMessage {
  /**
   * The path below the mount point of the layer that runs: `/blog` inside `app.use('/api', …)` for
   * `/api/blog`, `/api/blog` again once that layer calls `next`. (Express rewrites `req.url` too and
   * keeps the whole of it in `req.originalUrl`; here `req.url` stays as sent.)
   */
  path: string;
  /** The query string as node:querystring parses it (Express 5's "simple" parser). */
  query: ParsedUrlQuery;
}

export interface Response extends ServerResponse {
  status(code: number): Response;
  /** Sends `body` as JSON, with its Content-Type and Content-Length. */
  json(body: unknown): void;
}

/** Resumes the walk after the calling layer; with an error, at the next error middleware. */
export type Next = (error?: unknown) => void;
export type Handler = (req: Request, res: Response, next: Next) => void | Promise<void>;
export type ErrorHandler = (error: unknown, req: Request, res: Response, next: Next) => void | Promise<void>;
export type Middleware = Handler | ErrorHandler;

export interface Layer {
  /** A route (`get`, `post`) takes its path only; a `use` layer takes every path below its own. */
  route: boolean;
  path: string;
  /** A route's method; `use` layers take any. */
  method?: string;
  handle: Middleware;
}

/** Express tells error middleware from the rest by its four declared parameters, and so does this. */
export function isErrorHandler(handle: Middleware): handle is ErrorHandler {
  return handle.length === 4;
}

/** `/api` takes `/api` and `/api/blog`, never `/apix`: a prefix counts only up to a `/`. */
function takes(layer: Layer, method: string, path: string): boolean {
  // `get` answers HEAD too, as in Express (node leaves the body out).
  if (layer.method !== undefined && layer.method !== method && !(layer.method === 'GET' && method === 'HEAD')) return false;
  if (layer.route) return path === layer.path;
  if (layer.path === '/') return true;
  return path.startsWith(layer.path) && (path.length === layer.path.length || path[layer.path.length] === '/');
}

/** Walks `layers` for one request, in the order they were added; `done` gets what no layer took. */
export function dispatch(layers: readonly Layer[], req: Request, res: Response, done: Next): void {
  // This level's path: a `use` layer sees only the part below its mount point, and gives it back on next().
  const path = req.path;
  // The walk's position, shared by every `next` of this request: a call resumes where the last one stopped.
  let index = 0;

  function next(error?: unknown): void {
    req.path = path;
    while (index < layers.length) {
      const layer = layers[index++]!;
      if (!takes(layer, req.method ?? 'GET', path)) continue;
      // With an error only error middleware runs; without one, everything else. (Express: a falsy error is none.)
      if (Boolean(error) !== isErrorHandler(layer.handle)) continue;
      if (!layer.route && layer.path !== '/') req.path = path.slice(layer.path.length) || '/';
      run(layer.handle, error);
      return;
    }
    done(error);
  }

  function run(handle: Middleware, error: unknown): void {
    // Each layer gets its own `next`, good for one call: a second one is a bug, and says so (Express
    // would walk on silently from wherever the walk has got to).
    let called = false;
    const once: Next = (nextError) => {
      if (called) throw new Error('next() called multiple times');
      called = true;
      next(nextError);
    };
    try {
      const result = isErrorHandler(handle) ? handle(error, req, res, once) : handle(req, res, once);
      // As in Express 5: an async handler's rejection is its next(error), so it needs no try/catch.
      if (result instanceof Promise) result.catch((rejection: unknown) => next(rejection || new Error('Rejected promise')));
    } catch (thrown) {
      next(thrown);
    }
  }

  next();
}
