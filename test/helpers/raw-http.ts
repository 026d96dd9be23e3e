/**
 * One HTTP/1.1 exchange over a bare socket, for requests no HTTP client would send (malformed
 * methods, targets, framing; truncated bodies). Sends `Connection: close` and reads until the server
 * closes, so exactly one answer comes back; bounded by `timeoutMs`.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Map<string, string>;
  body: Buffer;
}

export interface RawOutcome {
  /** undefined when the server closed (or reset) without a complete answer, or did not answer in time. */
  answer: RawAnswer | undefined;
  /** Why there is no answer: 'timeout', a socket error code, or 'closed'. */
  problem?: string;
}

function decodeChunked(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Parses the one answer in `data`; undefined when it is incomplete. */
export function parseAnswer(data: Buffer, method: string): RawAnswer | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (status === undefined) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rest = data.subarray(headEnd + 4);
  if (method === 'HEAD' || status === '304' || status === '204') return { status: Number(status), headers, body: Buffer.alloc(0) };
  let body: Buffer | undefined = rest;
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) body = decodeChunked(rest);
  else if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'));
    body = rest.length >= length ? rest.subarray(0, length) : undefined;
  }
  return body === undefined ? undefined : { status: Number(status), headers, body };
}

export function rawExchange(options: { host: string; port: number; head: Buffer; body: Buffer | undefined; halfClose: boolean; method: string; timeoutMs: number }): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (problem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const answer = parseAnswer(Buffer.concat(chunks), options.method);
      resolve(answer === undefined ? { answer, problem: problem ?? 'closed' } : { answer });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => finish());
    socket.once('close', () => finish());
    // A reset after a complete answer (a 413 that closes while we still send) still counts as answered.
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.once('connect', () => {
      socket.write(options.body === undefined ? options.head : Buffer.concat([options.head, options.body]));
      if (options.halfClose) socket.end();
    });
  });
}
