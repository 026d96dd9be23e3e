/** Writes an `ApiResponse` to a node:http response, with an explicit Content-Length (access logs read it). */
import type { ServerResponse } from 'node:http';
import type { ApiResponse } from './envelope.ts';

export function writeResponse(response: ServerResponse, { status, headers, body }: ApiResponse, headOnly = false): void {
  response.statusCode = status;
  for (const name in headers) response.setHeader(name, headers[name]!);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  // A string body goes out in one write with the headers; a Buffer would take a second (writev).
  response.end(headOnly ? undefined : body);
}
