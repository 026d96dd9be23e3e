/**
 * What node:http refuses before any engine sees a request — headers over `MAX_HEADER_SIZE`, a client
 * slower than `HEADERS_TIMEOUT` / `REQUEST_TIMEOUT`, bytes that are not HTTP — answered with the
 * API's envelope and headers, the same on every engine (node's own answer is a bare status line).
 * The server's `clientError` listener (src/server.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { BlogError, type ErrorCode } from '../core/errors.ts';
import { renderError } from './envelope.ts';
import { lingerThenClose } from './lingering-close.ts';

/** node's parser and timeout errors, by the catalogue code they answer; any other `HPE_` code is MALFORMED_REQUEST. */
const answers: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'BODY_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

/** The socket as node's HTTP server keeps it: the response in flight on it, if any. */
interface HttpSocket extends Socket {
  _httpMessage?: { readonly headersSent: boolean } | null;
}

/** Sockets already answered: node's parser reports its error again for every chunk that still arrives. */
const answered = new WeakSet<Socket>();

function codeOf(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? error.code : '';
}

/** Every answer here is a 4xx, which envelope.ts never logs. */
const noLog = () => {};

/** The raw HTTP/1.1 answer of a failure, as envelope.ts renders it, closing the connection. */
function rawAnswer(code: ErrorCode): string {
  const { status, headers, body } = renderError(new BlogError(code), noLog);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, `Date: ${new Date().toUTCString()}`];
  for (const [name, value] of Object.entries(headers)) for (const one of typeof value === 'string' ? [value] : value) lines.push(`${name}: ${one}`);
  lines.push('Connection: close', `Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The server's `clientError` listener: answers what it can, then closes — at once after a timeout, after a linger otherwise. */
export function clientErrorHandler(error: Error, socket: HttpSocket): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  const code = codeOf(error);
  const answer = answers[code] ?? (code.startsWith('HPE_') ? 'MALFORMED_REQUEST' : undefined);
  // A reset or a broken pipe: the client is gone. An answer already under way: another would corrupt it.
  if (answer === undefined || !socket.writable || socket._httpMessage?.headersSent === true) {
    socket.destroy();
    return;
  }
  socket.write(rawAnswer(answer));
  // A slow client is cut off; one that sent too much, or garbage, may still be sending: linger.
  if (answer === 'REQUEST_TIMEOUT') socket.destroySoon();
  else lingerThenClose(socket);
}
