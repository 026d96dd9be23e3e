/**
 * The course's Koa engine, on Koa 3: one error middleware at the top of the onion for what the body
 * parser throws, then a @koa/router per resource built from the shared route table, with
 * @koa/bodyparser on POST routes. Answers are written by the shared `send` (`ctx.respond = false`):
 * Koa's own body handling would cost more and its default error handler drops the headers set before.
 */
import { parse as parseForm } from 'node:querystring';
import { bodyParser } from '@koa/bodyparser';
import { Router, type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import { fallback, fromParserError, isJsonRequest, mediaTypeOf, routesByResource, send, splitUrl, type ApiResponse, type Engine, type Route } from '../http/engine-support.ts';

/** The body as native reads it: JSON as parsed, forms flat (node:querystring), anything else ignored. */
function bodyOf(ctx: Koa.Context): unknown {
  const body = ctx.request.body;
  if (body === undefined || isJsonRequest(ctx.req)) return body;
  return typeof body === 'string' && mediaTypeOf(ctx.req) === 'application/x-www-form-urlencoded' ? { ...parseForm(body) } : undefined;
}

/** Koa stands aside: the shared writer answers, as on every engine. */
function respond(ctx: Koa.Context, answer: ApiResponse): void {
  ctx.respond = false;
  send(ctx.req, ctx.res, answer);
}

export const koaEngine: Engine = (context) => {
  const { api } = context;
  const limit = api.bodyLimitBytes;
  const app = new Koa();
  // What reaches Koa's own error handler is a connection that failed under a request (a client that
  // hung up mid-body: node's "Parse Error"), never the API's errors, which the first middleware
  // answers. Koa would print it to stderr; native and Express say nothing of a client's broken
  // connection either.
  app.silent = true;

  // The catch Koa needs for the body parser's errors; the API renders them as native's.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.headerSent) ctx.req.socket.destroy();
      else respond(ctx, api.fail(fromParserError(error, limit)));
    }
  });

  const parseBody = bodyParser({
    parsedMethods: ['POST'],
    // Forms are read as text and split flat by `bodyOf`, as Express's `extended: false` and native do.
    enableTypes: ['json', 'text'],
    extendTypes: { text: ['application/x-www-form-urlencoded'] },
    detectJSON: (ctx) => isJsonRequest(ctx.req),
    // Not strict: a JSON string reaches the API, which answers MALFORMED_BODY as native does.
    jsonStrict: false,
    jsonLimit: limit,
    textLimit: limit,
  });

  // As Express's `inflate: false` (and native, which reads bodies as sent): a compressed JSON or form
  // body is not read. co-body would inflate it, and answer a broken one with a zlib error, a 500.
  const refuseCompressed: RouterMiddleware = async (ctx, next) => {
    const encoding = (ctx.get('content-encoding') || 'identity').trim().toLowerCase();
    const parsed = isJsonRequest(ctx.req) || mediaTypeOf(ctx.req) === 'application/x-www-form-urlencoded';
    if (encoding !== 'identity' && parsed) throw Object.assign(new Error(`content encoding "${encoding}" unsupported`), { status: 415 });
    await next();
  };

  const runRoute = (route: Route): RouterMiddleware => async (ctx) => {
    const { path, search } = splitUrl(ctx.url);
    respond(ctx, await api.run(route, { path, search, body: bodyOf(ctx), incoming: ctx.req }));
  };

  for (const [prefix, mounted] of routesByResource(api.routes)) {
    // `/api/user/logOut` and `/api/user/logout` are different routes, `/api/blog/list/` is none.
    const router = new Router({ prefix, sensitive: true, strict: true });
    for (const { route, path } of mounted) {
      router.register(path, [...route.methods], route.methods.includes('POST') ? [refuseCompressed, parseBody, runRoute(route)] : [runRoute(route)]);
    }
    app.use(router.routes());
  }

  // Nothing matched: a page, or the route table's 404 / 405 (with `Allow`) instead of Koa's text.
  const answerUnmatched = fallback(context);
  app.use((ctx) => {
    ctx.respond = false;
    answerUnmatched(ctx.req, ctx.res);
  });

  return app.callback();
};
