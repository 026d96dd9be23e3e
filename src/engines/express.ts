/**
 * The course's Express engine, on Express 5: a router per resource (`/api/blog`, `/api/user`) built
 * from the shared route table, express.json / express.urlencoded on POST routes, a login-check step,
 * and one 4-argument error middleware that renders every failure through the shared envelope.
 */
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { BlogError } from '../core/errors.ts';
import { hasBody, isJsonRequest } from '../http/body.ts';
import { splitUrl } from '../http/query.ts';
import type { Route } from '../http/routes.ts';
import { writeResponse } from '../http/write-response.ts';
import type { Engine } from './engine.ts';

function isParserError(error: unknown): error is Error & { type: string; status: number } {
  return error instanceof Error && 'type' in error && typeof error.type === 'string' && 'status' in error && typeof error.status === 'number';
}

/** body-parser's errors become catalogue errors with the native engine's messages. */
function fromBodyParser(error: unknown, limit: number): unknown {
  if (!isParserError(error) || error.status >= 500) return error;
  if (error.type === 'entity.too.large') return new BlogError('BODY_TOO_LARGE', `最多 ${limit} 字节`, { cause: error });
  if (error.type === 'entity.parse.failed') return new BlogError('MALFORMED_BODY', 'JSON 格式错误', { cause: error });
  // An unsupported charset or content encoding, an aborted upload: the body cannot be read.
  return new BlogError('MALFORMED_BODY', undefined, { cause: error });
}

export const expressEngine: Engine = ({ api, bodyLimitBytes, staticFiles }) => {
  const app = express();
  app.disable('x-powered-by');
  // The API writes its own headers; an ETag would make Express answers differ from native ones.
  app.set('etag', false);
  // The raw query string goes to the shared parser, so `req.query` is never needed.
  app.set('query parser', false);
  // `/api/user/logOut` and `/api/user/logout` are different routes, `/api/blog/list/` is none.
  app.enable('case sensitive routing');
  app.enable('strict routing');

  // strict: false lets a JSON string through to the API, which answers MALFORMED_BODY as native does.
  // inflate: false: native reads bodies as sent, so a compressed body is unreadable everywhere.
  const parseJson = express.json({ limit: bodyLimitBytes, strict: false, inflate: false, type: isJsonRequest });
  // Native's node:querystring keeps at most 1000 keys silently; no 413 for more.
  const parseForm = express.urlencoded({ extended: false, limit: bodyLimitBytes, inflate: false, parameterLimit: Infinity });

  // body-parser reads an oversize body to its end before failing; a declared one is refused at once,
  // as native does, and the connection closed (see renderError).
  const refuseDeclaredOversize: RequestHandler = (request, _response, next) => {
    next(Number(request.headers['content-length']) > bodyLimitBytes ? new BlogError('BODY_TOO_LARGE', `最多 ${bodyLimitBytes} 字节`) : undefined);
  };

  // The login check itself runs inside `api.run`, after the body is read, so that every engine gives
  // the same answer to an anonymous request with a bad body (MALFORMED_BODY) and the same 503 when
  // the session store fails. This step marks where the course's `loginCheck` sits in the chain.
  const loginCheck: RequestHandler = (_request, _response, next) => next();

  const runRoute = (route: Route): RequestHandler => async (request, response) => {
    const { path, search } = splitUrl(request.originalUrl);
    const result = await api.run(route, {
      path,
      search,
      body: request.body as unknown,
      incoming: request,
    });
    writeResponse(response, result, request.method === 'HEAD');
  };

  const unmatched: RequestHandler = (request, response, next) => {
    const { path } = splitUrl(request.originalUrl);
    if (staticFiles && !path.startsWith('/api/')) {
      staticFiles(request, response, () => next(new BlogError('ROUTE_NOT_FOUND')));
      return;
    }
    next(api.unmatched(request.method, path));
  };

  const routers = new Map<string, Router>();
  for (const route of api.routes) {
    const cut = route.path.lastIndexOf('/');
    const prefix = route.path.slice(0, cut);
    let router = routers.get(prefix);
    if (!router) routers.set(prefix, (router = express.Router({ caseSensitive: true, strict: true })));
    const handlers = [...(route.auth === 'user' ? [loginCheck] : []), runRoute(route)];
    for (const method of route.methods) {
      // Bodies are parsed on POST only (GET bodies are never read, as native).
      if (method === 'POST') router.post(route.path.slice(cut), refuseDeclaredOversize, parseJson, parseForm, ...handlers);
      else router.get(route.path.slice(cut), ...handlers);
    }
  }
  for (const [prefix, router] of routers) {
    // Ends each router's stack, so Express never answers an OPTIONS request by itself.
    router.use(unmatched);
    app.use(prefix, router);
  }
  app.use(unmatched);

  const renderError: ErrorRequestHandler = (error, request, response, _next) => {
    const failure = fromBodyParser(error, bodyLimitBytes);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    // As native: a body left unread (or too large) would be taken for the next request. `complete`
    // cannot tell (a small body may have arrived already); whether it was read to its end can.
    const tooLarge = failure instanceof BlogError && failure.code === 'BODY_TOO_LARGE';
    if (tooLarge || (!request.readableEnded && hasBody(request))) response.setHeader('Connection', 'close');
    writeResponse(response, api.fail(failure), request.method === 'HEAD');
  };
  app.use(renderError);

  return app;
};
