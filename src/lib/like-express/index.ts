/**
 * like-express: the course's "中间件原理" Express, typed. `likeExpress()` makes an app that is itself
 * a middleware — a request listener for `http.createServer`, or mounted in another app with `use` —
 * over the layer walk in layers.ts. Paths match case-sensitively and exactly, as Express does with
 * `case sensitive routing` and `strict routing` on; there are no route parameters.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { dispatch, type ErrorHandler, type Handler, type Layer, type Middleware, type Next, type Request, type Response } from './layers.ts';

export type { ErrorHandler, Handler, Middleware, Next, Request, Response } from './layers.ts';

export interface Application {
  /** Answers a request; `next` (when mounted) gets what no layer of this app took. */
  (req: IncomingMessage, res: ServerResponse, next?: Next): void;
  /** Middleware for every path, or for `path` and the paths below it. */
  use(...handlers: Handler[]): Application;
  use(path: string, ...handlers: Handler[]): Application;
  use(...handlers: ErrorHandler[]): Application;
  use(path: string, ...handlers: ErrorHandler[]): Application;
  /** A route: exactly `path`, GET (and HEAD). */
  get(path: string, ...handlers: Handler[]): Application;
  /** A route: exactly `path`, POST. */
  post(path: string, ...handlers: Handler[]): Application;
  /** `http.createServer(app).listen(…)`. */
  listen(port?: number, host?: string, listening?: () => void): Server;
}

const responseMethods = {
  status(this: Response, code: number): Response {
    this.statusCode = code;
    return this;
  },
  json(this: Response, body: unknown): void {
    const text = JSON.stringify(body);
    this.setHeader('Content-Type', 'application/json; charset=utf-8');
    this.setHeader('Content-Length', Buffer.byteLength(text));
    this.end(text);
  },
};

function isRequest(req: IncomingMessage): req is Request {
  return 'query' in req;
}

function isResponse(res: ServerResponse): res is Response {
  return 'json' in res;
}

/** node's request with `path` and `query`; a request an outer app has dressed keeps its `path`. */
function toRequest(req: IncomingMessage): Request {
  if (isRequest(req)) return req;
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  return Object.assign(req, { path: mark === -1 ? url : url.slice(0, mark), query: parseQuery(mark === -1 ? '' : url.slice(mark + 1)) });
}

function toResponse(res: ServerResponse): Response {
  return isResponse(res) ? res : Object.assign(res, responseMethods);
}

/**
 * The end of the outermost walk, as Express's finalhandler: 404 `Cannot GET /path` when no layer
 * answered, 500 for an error no middleware handled (logged, never sent).
 */
function finish(error: unknown, req: Request, res: Response): void {
  if (error) console.error(error);
  if (res.headersSent) {
    // Too late for a status: cut the answer short rather than let it pass for a whole one.
    if (error && !res.writableEnded) req.socket.destroy();
    return;
  }
  const text = error ? STATUS_CODES[500]! : `Cannot ${req.method ?? 'GET'} ${req.path}`;
  res.statusCode = error ? 500 : 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** A new app, as `express()`. */
export function likeExpress(): Application {
  const layers: Layer[] = [];
  const add = (route: boolean, path: string, method: string | undefined, handlers: readonly Middleware[]) => {
    for (const handle of handlers) layers.push({ route, path, method, handle });
  };

  function app(req: IncomingMessage, res: ServerResponse, next?: Next): void {
    const request = toRequest(req);
    const response = toResponse(res);
    dispatch(layers, request, response, next ?? ((error) => finish(error, request, response)));
  }

  const application: Application = Object.assign(app, {
    use(first: string | Middleware, ...rest: Middleware[]): Application {
      // `/api/` mounts as `/api`: the prefix ends at a slash either way.
      if (typeof first === 'string') add(false, first.length > 1 ? first.replace(/\/$/, '') : first, undefined, rest);
      else add(false, '/', undefined, [first, ...rest]);
      return application;
    },
    get(path: string, ...handlers: Handler[]): Application {
      add(true, path, 'GET', handlers);
      return application;
    },
    post(path: string, ...handlers: Handler[]): Application {
      add(true, path, 'POST', handlers);
      return application;
    },
    listen(port?: number, host?: string, listening?: () => void): Server {
      return createServer(application).listen(port, host, listening);
    },
  });
  return application;
}
