/** Writes an `ApiResponse` to node's response, the same way for every engine. */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { hasBody } from './body.ts';
import type { ApiResponse } from './envelope.ts';
import { lingerAfterAnswer } from './lingering-close.ts';

/**
 * `send`'s Content-Length, kept on the response: `writeHead`'s headers are not kept for `getHeader`.
 * A property of the response, not a WeakMap: a WeakMap of short-lived keys cost the garbage
 * collector 4 µs a request here.
 */
const lengthKey = Symbol('declared Content-Length');
type DeclaringResponse = ServerResponse & { [lengthKey]?: number };

/** The Content-Length a response declared, by `send` or by `setHeader` (the pages); undefined when none. */
export function contentLengthOf(response: ServerResponse): number | string | string[] | undefined {
  return (response as DeclaringResponse)[lengthKey] ?? response.getHeader('content-length');
}

/**
 * Sends the answer with an explicit Content-Length (access logs read it), in one write (a string
 * body goes out with the headers; a Buffer would take a second, writev). The headers go to one
 * `writeHead` as a flat list (name, value, name, value…): node then keeps no header map of the
 * response, and writes a list faster than an object — with `setHeader` per header, then an object,
 * the detail read cost 10 % and 7 % more CPU here (docs/benchmark.md). Headers a framework set
 * before are still merged. A body still on its way closes the connection (what has arrived is
 * already framed, so it is never taken for the next request), after a bounded linger that lets the
 * client read the answer (lingering-close.ts).
 */
export function send(request: IncomingMessage, response: ServerResponse, { status, headers, body }: ApiResponse): void {
  const length = Buffer.byteLength(body);
  const sent: (string | readonly string[])[] = [];
  for (const name in headers) sent.push(name, headers[name]!);
  sent.push('Content-Length', String(length));
  if (!request.complete && hasBody(request)) {
    sent.push('Connection', 'close');
    lingerAfterAnswer(request);
  }
  // node only reads the header lists; its type asks for mutable arrays.
  response.writeHead(status, sent as OutgoingHttpHeader[]);
  (response as DeclaringResponse)[lengthKey] = length;
  response.end(request.method === 'HEAD' ? undefined : body);
}
