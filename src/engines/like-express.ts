/**
 * The blog on like-express (src/lib/like-express), the course's "中间件原理" Express: one app per
 * resource (`/api/blog`, `/api/user`) built from the shared route table and mounted with `use`, as
 * the course mounts its routers; the shared body reader inside each POST route; and one error
 * middleware, which the reader's rejections (413, 400) reach as Express 5 routes them.
 */
import { likeExpress, type ErrorHandler, type Handler } from '../lib/like-express/index.ts';
import { fallback, readBody, routesByResource, send, splitUrl, type Engine, type Route } from '../http/engine-support.ts';

export const likeExpressEngine: Engine = (context) => {
  const { api } = context;
  const app = likeExpress();

  const runRoute = (route: Route): Handler => async (request, response) => {
    // GET bodies are never read, as native.
    const body = request.method === 'POST' ? await readBody(request, api.bodyLimitBytes) : undefined;
    // like-express leaves `req.url` whole (its `req.path` is the part below the mount point).
    const { path, search } = splitUrl(request.url ?? '/');
    send(request, response, await api.run(route, { path, search, body, incoming: request }));
  };

  for (const [prefix, mounted] of routesByResource(api.routes)) {
    const resource = likeExpress();
    for (const { route, path } of mounted) {
      if (route.methods.includes('POST')) resource.post(path, runRoute(route));
      if (route.methods.includes('GET')) resource.get(path, runRoute(route));
    }
    app.use(prefix, resource);
  }
  // What no resource took comes back out of it: a page, or the route table's 404 / 405 (with `Allow`).
  app.use(fallback(context));

  // The body reader's errors are the catalogue's already; the API renders them as native's.
  const renderError: ErrorHandler = (error, request, response, _next) => {
    if (response.headersSent) response.destroy();
    else send(request, response, api.fail(error));
  };
  app.use(renderError);

  return app;
};
