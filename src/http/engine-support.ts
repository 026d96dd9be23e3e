/**
 * Everything an engine needs from src/http, in one place, so that an engine file holds only the
 * translation to its framework. Engines import nothing else from src/http (a lint rule).
 *
 * The login check: every `auth: 'user'` route's check runs inside `api.run`, after the body is read,
 * so that every engine gives an anonymous request with a bad body the same answer (MALFORMED_BODY)
 * and the same 503 when the session store fails. Engines add no login-check step of their own.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { BlogError } from '../core/errors.ts';
import type { Api } from './api.ts';
import { bodyTooLarge } from './body.ts';
import type { Route } from './route.ts';
import type { StaticFilesHandler } from './static-files.ts';

export type { Api, RouteRequest } from './api.ts';
export type { ApiResponse } from './envelope.ts';
export type { Method, Route } from './route.ts';
export type { StaticFilesHandler } from './static-files.ts';
export { bodyTooLarge, hasBody, isJsonRequest, mediaTypeOf, readBody } from './body.ts';
export { splitUrl } from './query.ts';
export { send } from './send.ts';

/** What every engine receives. */
export interface EngineContext {
  api: Api;
  /** Serves the built pages for paths outside `/api/`; calls `next` when no file matches. */
  staticFiles: StaticFilesHandler;
}

/** An engine: a node:http request listener built from the shared API. */
export type Engine = (context: EngineContext) => RequestListener;

/** A route as a framework's router mounts it: under its resource's prefix (`/api/blog`), at `/list`. */
export interface MountedRoute {
  route: Route;
  /** The path below the prefix, with its leading slash. */
  path: string;
}

/** The route table grouped by resource (`/api/blog`, `/api/user`), one router each, as the course mounts them. */
export function routesByResource(routes: readonly Route[]): Map<string, MountedRoute[]> {
  const resources = new Map<string, MountedRoute[]>();
  for (const route of routes) {
    // The site's documents (feeds, sitemap) are not under a resource: every engine answers them
    // through `fallback`, after the static files, so they are served alike everywhere.
    if (!route.path.startsWith('/api/')) continue;
    const cut = route.path.lastIndexOf('/');
    const prefix = route.path.slice(0, cut);
    resources.set(prefix, [...(resources.get(prefix) ?? []), { route, path: route.path.slice(cut) }]);
  }
  return resources;
}

function statusOf(error: Error): number {
  return 'status' in error && typeof error.status === 'number' ? error.status : 500;
}

/**
 * A body parser's error (body-parser's under Express, co-body's under Koa; both http-errors) as the
 * catalogue error the native reader gives for the same body.
 */
export function fromParserError(error: unknown, limit: number): unknown {
  if (!(error instanceof Error) || error instanceof BlogError) return error;
  const status = statusOf(error);
  if (status === 413) return bodyTooLarge(limit, error);
  if (error instanceof SyntaxError || ('type' in error && error.type === 'entity.parse.failed')) return new BlogError('MALFORMED_BODY', 'JSON 格式错误', { cause: error });
  // An unsupported charset or content encoding, an aborted upload: the body cannot be read.
  return status < 500 ? new BlogError('MALFORMED_BODY', undefined, { cause: error }) : error;
}

/**
 * Answers what no framework route took: the pages for paths outside `/api/`, then the API itself
 * (404, or 405 with `Allow`). Native serves every request with it.
 */
export function fallback({ api, staticFiles }: EngineContext): RequestListener {
  const answer = (request: IncomingMessage, response: ServerResponse) => void api.handle(request, response);
  return (request, response) => {
    if ((request.url ?? '/').startsWith('/api/')) answer(request, response);
    else staticFiles(request, response, () => answer(request, response));
  };
}
