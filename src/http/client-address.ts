/** The client's address: the socket's peer, or, behind a trusted proxy (nginx), the first X-Forwarded-For hop. */
import type { IncomingMessage } from 'node:http';

export function clientAddressOf(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
