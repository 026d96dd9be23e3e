/** Writes an `ApiResponse` to node's response, the same way for every engine. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { hasBody } from './body.ts';
import type { ApiResponse } from './envelope.ts';
import { lingerAfterAnswer } from './lingering-close.ts';

/**
 * The body length a response declared, for the access log: `writeHead`'s headers are not kept for
 * `getHeader`. A property of the response, not a WeakMap: a WeakMap of short-lived keys cost the
 * garbage collector 4 µs a request here.
 */
const lengthKey = Symbol('declared Content-Length');
type DeclaringResponse = ServerResponse & { [lengthKey]?: number };

/** The Content-Length `send` wrote for this response; undefined when it did not answer it. */
export function declaredLength(response: ServerResponse): number | undefined {
  return (response as DeclaringResponse)[lengthKey];
}

/**
 * Sends the answer with an explicit Content-Length (access logs read it), in one write (a string
 * body goes out with the headers; a Buffer would take a second, writev). The headers go in one
 * `writeHead` rather than a `setHeader` each: node then skips its per-response header map, 10 % of
 * a detail read's CPU here (docs/benchmark.md); headers a framework set before are still merged, and the length is kept for the access log. A
 * body still on its way closes the connection (what has arrived is already framed, so it is never
 * taken for the next request), after a bounded linger that lets the client read the answer
 * (lingering-close.ts).
 */
export function send(request: IncomingMessage, response: ServerResponse, { status, headers, body }: ApiResponse): void {
  // node only reads the header lists; its type asks for mutable arrays.
  const length = Buffer.byteLength(body);
  const sent: OutgoingHttpHeaders = { ...(headers as OutgoingHttpHeaders), 'Content-Length': length };
  if (!request.complete && hasBody(request)) {
    sent.Connection = 'close';
    lingerAfterAnswer(request);
  }
  response.writeHead(status, sent);
  (response as DeclaringResponse)[lengthKey] = length;
  response.end(request.method === 'HEAD' ? undefined : body);
}
