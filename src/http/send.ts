/** Writes an `ApiResponse` to node's response, the same way for every engine. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasBody } from './body.ts';
import type { ApiResponse } from './envelope.ts';
import { lingerAfterAnswer } from './lingering-close.ts';

/**
 * Sends the answer with an explicit Content-Length (access logs read it), in one write (a string
 * body goes out with the headers; a Buffer would take a second, writev). A body still on its way
 * closes the connection (what has arrived is already framed, so it is never taken for the next
 * request), after a bounded linger that lets the client read the answer (lingering-close.ts).
 */
export function send(request: IncomingMessage, response: ServerResponse, { status, headers, body }: ApiResponse): void {
  response.statusCode = status;
  for (const name in headers) response.setHeader(name, headers[name]!);
  if (!request.complete && hasBody(request)) {
    response.setHeader('Connection', 'close');
    lingerAfterAnswer(request);
  }
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(request.method === 'HEAD' ? undefined : body);
}
