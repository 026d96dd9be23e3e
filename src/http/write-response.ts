/** Writes an `ApiResponse` to a node:http response, with an explicit Content-Length (access logs read it). */
import type { ServerResponse } from 'node:http';
import type { ApiResponse } from './envelope.ts';

export function writeResponse(response: ServerResponse, { status, headers, body }: ApiResponse, headOnly = false): void {
  const payload = Buffer.from(body);
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Content-Length', payload.length);
  response.end(headOnly ? undefined : payload);
}
