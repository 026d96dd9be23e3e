/** Writes an `ApiResponse` to node's response, the same way for every engine. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasBody } from './body.ts';
import type { ApiResponse } from './envelope.ts';

/**
 * Sends the answer with an explicit Content-Length (access logs read it), in one write (a string
 * body goes out with the headers; a Buffer would take a second, writev). A body still on its way
 * closes the connection: node would read the rest of it only to throw it away (what has arrived is
 * already framed, so it is never taken for the next request).
 */
export function send(request: IncomingMessage, response: ServerResponse, { status, headers, body }: ApiResponse): void {
  response.statusCode = status;
  for (const name in headers) response.setHeader(name, headers[name]!);
  if (!request.complete && hasBody(request)) response.setHeader('Connection', 'close');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(request.method === 'HEAD' ? undefined : body);
}
