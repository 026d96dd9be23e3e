/**
 * The course's Koa engine, on Koa 3: one error middleware at the top of the onion renders every
 * failure through the shared envelope (Koa's own handler drops the headers set before), then a
 * @koa/router per resource built from the shared route table, with @koa/bodyparser on POST routes.
 */
import { parse as parseForm } from 'node:querystring';
import { bodyParser } from '@koa/bodyparser';
import { Router, type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import { BlogError } from '../core/errors.ts';
import { hasBody, isJsonRequest, mediaTypeOf } from '../http/body.ts';
import type { ApiResponse } from '../http/envelope.ts';
import { splitUrl } from '../http/query.ts';
import type { Route } from '../http/routes.ts';
import { writeResponse } from '../http/write-response.ts';
import type { Engine, StaticHandler } from './engine.ts';

/** co-body's errors become catalogue errors with the native engine's messages. */
function fromBodyParser(error: Error, limit: number): Error {
  const status = 'status' in error && typeof error.status === 'number' ? error.status : 500;
  if (status === 413) return new BlogError('BODY_TOO_LARGE', `最多 ${limit} 字节`, { cause: error });
  if (error instanceof SyntaxError) return new BlogError('MALFORMED_BODY', 'JSON 格式错误', { cause: error });
  // An unsupported content encoding, an aborted upload: the body cannot be read.
  return status < 500 ? new BlogError('MALFORMED_BODY', undefined, { cause: error }) : error;
}

/** The body as native reads it: JSON as parsed, forms flat (node:querystring), anything else ignored. */
function bodyOf(ctx: Koa.Context): unknown {
  const body = ctx.request.body;
  if (body === undefined || isJsonRequest(ctx.req)) return body;
  return typeof body === 'string' && mediaTypeOf(ctx.req) === 'application/x-www-form-urlencoded' ? { ...parseForm(body) } : undefined;
}

/** Writes the answer as every engine does; Koa only stands aside (its body handling would cost more). */
function send(ctx: Koa.Context, response: ApiResponse): void {
  ctx.respond = false;
  writeResponse(ctx.res, response, ctx.method === 'HEAD');
}

/** Runs the (req, res, next) static handler; resolves true when it passed the request on. */
function serveStatic(ctx: Koa.Context, staticFiles: StaticHandler): Promise<boolean> {
  ctx.respond = false;
  return new Promise((resolve) => {
    // It served (or the client left): Koa must not write a response of its own.
    ctx.res.once('close', () => resolve(false));
    staticFiles(ctx.req, ctx.res, () => {
      ctx.respond = true;
      resolve(true);
    });
  });
}

export const koaEngine: Engine = ({ api, bodyLimitBytes, staticFiles }) => {
  const app = new Koa();

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.headerSent) {
        ctx.req.socket.destroy();
        return;
      }
      // As native: a body left unread (or too large) would be taken for the next request. `complete`
      // cannot tell (a small body may have arrived already); whether it was read to its end can.
      const tooLarge = error instanceof BlogError && error.code === 'BODY_TOO_LARGE';
      if (tooLarge || (!ctx.req.readableEnded && hasBody(ctx.req))) ctx.set('Connection', 'close');
      send(ctx, api.fail(error));
    }
  });

  const parseBody = bodyParser({
    parsedMethods: ['POST'],
    // Forms are read as text and split flat below, as Express's `extended: false` and native do.
    enableTypes: ['json', 'text'],
    extendTypes: { text: ['application/x-www-form-urlencoded'] },
    detectJSON: (ctx) => isJsonRequest(ctx.req),
    // Not strict: a JSON string reaches the API, which answers MALFORMED_BODY as native does.
    jsonStrict: false,
    jsonLimit: bodyLimitBytes,
    textLimit: bodyLimitBytes,
    onError(error) {
      throw fromBodyParser(error, bodyLimitBytes);
    },
  });

  // The login check itself runs inside `api.run`, after the body is read, so that every engine gives
  // the same answer to an anonymous request with a bad body (MALFORMED_BODY) and the same 503 when
  // the session store fails. This step marks where the course's `loginCheck` sits in the chain.
  const loginCheck: RouterMiddleware = (_ctx, next) => next();

  const runRoute = (route: Route): RouterMiddleware => async (ctx) => {
    const { path, search } = splitUrl(ctx.url);
    send(ctx, await api.run(route, {
      path,
      search,
      body: bodyOf(ctx),
      incoming: ctx.req,
    }));
  };

  const routers = new Map<string, Router>();
  for (const route of api.routes) {
    const cut = route.path.lastIndexOf('/');
    const prefix = route.path.slice(0, cut);
    let router = routers.get(prefix);
    // `/api/user/logOut` and `/api/user/logout` are different routes, `/api/blog/list/` is none.
    if (!router) routers.set(prefix, (router = new Router({ prefix, sensitive: true, strict: true })));
    const chain = [...(route.methods.includes('POST') ? [parseBody] : []), ...(route.auth === 'user' ? [loginCheck] : []), runRoute(route)];
    router.register(route.path.slice(cut), [...route.methods], chain);
  }
  for (const router of routers.values()) app.use(router.routes());

  // Nothing matched: a page, or the route table's 404 / 405 (with `Allow`) instead of Koa's text.
  app.use(async (ctx) => {
    const { path } = splitUrl(ctx.url);
    if (staticFiles && !path.startsWith('/api/') && !(await serveStatic(ctx, staticFiles))) return;
    throw api.unmatched(ctx.method, path);
  });

  return app.callback();
};
