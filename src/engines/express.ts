/**
 * The course's Express engine, on Express 5: a router per resource (`/api/blog`, `/api/user`) built
 * from the shared route table, express.json / express.urlencoded on POST routes, and one 4-argument
 * error middleware for what Express's own parsers throw.
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { bodyTooLarge, fallback, fromParserError, isJsonRequest, routesByResource, send, splitUrl, type Engine, type Route } from '../http/engine-support.ts';

export const expressEngine: Engine = (context) => {
  const { api } = context;
  const limit = api.bodyLimitBytes;
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
  const parseJson = express.json({ limit, strict: false, inflate: false, type: isJsonRequest });
  // Native's node:querystring keeps at most 1000 keys silently; no 413 for more.
  const parseForm = express.urlencoded({ extended: false, limit, inflate: false, parameterLimit: Infinity });

  // body-parser reads an oversize body to its end before failing; a declared one is refused at once, as native does.
  const refuseDeclaredOversize: RequestHandler = (request, _response, next) => {
    next(Number(request.headers['content-length']) > limit ? bodyTooLarge(limit) : undefined);
  };

  const runRoute = (route: Route): RequestHandler => async (request, response) => {
    const { path, search } = splitUrl(request.originalUrl);
    send(request, response, await api.run(route, { path, search, body: request.body as unknown, incoming: request }));
  };

  const answerUnmatched = fallback(context);
  // Inside a router `req.url` lacks the router's prefix; the API matches the whole path.
  const unmatched: RequestHandler = (request, response) => {
    request.url = request.originalUrl;
    answerUnmatched(request, response);
  };

  for (const [prefix, mounted] of routesByResource(api.routes)) {
    const router = express.Router({ caseSensitive: true, strict: true });
    for (const { route, path } of mounted) {
      // Bodies are parsed on POST only (GET bodies are never read, as native).
      if (route.methods.includes('POST')) router.post(path, refuseDeclaredOversize, parseJson, parseForm, runRoute(route));
      if (route.methods.includes('GET')) router.get(path, runRoute(route));
    }
    // Ends each router's stack, so Express never answers an OPTIONS request by itself.
    router.use(unmatched);
    app.use(prefix, router);
  }
  app.use(unmatched);

  // The catch Express needs for its own parsers' errors; the API renders them as native's.
  const renderError: ErrorRequestHandler = (error, request, response, _next) => {
    if (response.headersSent) response.destroy();
    else send(request, response, api.fail(fromParserError(error, limit)));
  };
  app.use(renderError);

  return app;
};
