/**
 * The course's "原生开发" engine: plain node:http, no framework. It splits the URL, matches the route
 * table, reads the body for POSTs and hands everything to the shared API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlogError } from '../core/errors.ts';
import { hasBody, readBody } from '../http/body.ts';
import { splitUrl } from '../http/query.ts';
import { writeResponse } from '../http/write-response.ts';
import type { Engine } from './engine.ts';

export const nativeEngine: Engine = ({ api, bodyLimitBytes, staticFiles }) => {
  async function serveApi(request: IncomingMessage, response: ServerResponse, path: string, search: string): Promise<void> {
    const headOnly = request.method === 'HEAD';
    let route;
    let body: unknown;
    try {
      route = api.match(request.method ?? 'GET', path);
      body = request.method === 'POST' ? await readBody(request, bodyLimitBytes) : undefined;
    } catch (error) {
      // The rest of an unread body would be taken for the next request: close the connection.
      if (!request.complete && hasBody(request)) response.setHeader('Connection', 'close');
      writeResponse(response, api.fail(error), headOnly);
      return;
    }
    const result = await api.run(route, {
      path,
      search,
      body,
      incoming: request,
    });
    writeResponse(response, result, headOnly);
  }

  return (request, response) => {
    const { path, search } = splitUrl(request.url ?? '/');
    if (path.startsWith('/api/') || !staticFiles) {
      serveApi(request, response, path, search).catch((error: unknown) => {
        if (!response.headersSent) writeResponse(response, api.fail(error));
        else response.destroy();
      });
      return;
    }
    staticFiles(request, response, () => writeResponse(response, api.fail(new BlogError('ROUTE_NOT_FOUND')), request.method === 'HEAD'));
  };
};
