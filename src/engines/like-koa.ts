/**
 * The blog on like-koa (src/lib/like-koa), the course's "中间件原理" Koa: one try/catch at the top of
 * the onion for what the shared body reader throws (413, 400), then one middleware per resource
 * (`/api/blog`, `/api/user`) built from the shared route table — the router like-koa leaves out, in
 * a few lines. Answers are written by the shared `send`, with `ctx.respond = false`.
 */
import { LikeKoa, type Context, type Middleware } from '../lib/like-koa/index.ts';
import { fallback, readBody, routesByResource, send, splitUrl, type Api, type ApiResponse, type Engine, type MountedRoute, type Route } from '../http/engine-support.ts';

/** like-koa stands aside: the shared writer answers, as on every engine. */
function answer(ctx: Context, response: ApiResponse): void {
  ctx.respond = false;
  send(ctx.req, ctx.res, response);
}

/** A resource's routes as one middleware: its route for this method and path, or on to the next. */
function resource(api: Api, prefix: string, mounted: readonly MountedRoute[]): Middleware<Context> {
  const routes = new Map<string, Route>();
  for (const { route, path } of mounted) for (const method of route.methods) routes.set(`${method} ${path}`, route);
  return async (ctx, next) => {
    // HEAD, and what no route takes here, go on to the fallback, which answers them as native does.
    const route = ctx.path.startsWith(`${prefix}/`) ? routes.get(`${ctx.method} ${ctx.path.slice(prefix.length)}`) : undefined;
    if (route === undefined) return next();
    const body = ctx.method === 'POST' ? await readBody(ctx.req, api.bodyLimitBytes) : undefined;
    const { path, search } = splitUrl(ctx.req.url ?? '/');
    answer(ctx, await api.run(route, { path, search, body, incoming: ctx.req }));
  };
}

export const likeKoaEngine: Engine = (context) => {
  const { api } = context;
  const app = new LikeKoa();

  // The onion's outermost layer: whatever a route's body reader throws comes back out through here.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.res.headersSent) ctx.req.socket.destroy();
      else answer(ctx, api.fail(error));
    }
  });

  for (const [prefix, mounted] of routesByResource(api.routes)) app.use(resource(api, prefix, mounted));

  // Nothing matched: a page, or the route table's 404 / 405 (with `Allow`).
  const answerUnmatched = fallback(context);
  app.use((ctx) => {
    ctx.respond = false;
    answerUnmatched(ctx.req, ctx.res);
  });

  return app.callback();
};
