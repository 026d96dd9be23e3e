/**
 * HTTP/1.1 over a bare socket, for requests no HTTP client would send (malformed methods, targets,
 * framing; truncated bodies; pipelining). The last request says `Connection: close` and the answers
 * are read until the server closes; bounded by `timeoutMs`.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Map<string, string>;
  body: Buffer;
}

export interface RawOutcome {
  /** The complete answers, in the order of `methods`; fewer when the server closed, reset or timed out. */
  answers: RawAnswer[];
  /** Why there is no answer: 'timeout', a socket error code, or 'closed'. */
  problem?: string;
}

/** A chunked body and how many bytes it took (trailers are not sent by blog-server). */
function decodeChunked(data: Buffer): { body: Buffer; length: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return data.length >= lineEnd + 4 ? { body: Buffer.concat(parts), length: lineEnd + 4 } : undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Parses the answers in `data`, in order, as many as are complete (pipelined requests get several). */
export function parseAnswers(data: Buffer, methods: readonly string[]): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = data;
  for (const method of methods) {
    let parsed = parseAnswer(rest, method);
    // An interim answer (100 Continue to `Expect: 100-continue`) comes before the real one.
    while (parsed !== undefined && parsed.answer.status < 200) {
      rest = rest.subarray(parsed.length);
      parsed = parseAnswer(rest, method);
    }
    if (parsed === undefined) break;
    answers.push(parsed.answer);
    rest = rest.subarray(parsed.length);
  }
  return answers;
}

/** Parses the first answer in `data` and how many bytes it took; undefined when it is incomplete. */
function parseAnswer(data: Buffer, method: string): { answer: RawAnswer; length: number } | undefined {
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
  const start = headEnd + 4;
  const rest = data.subarray(start);
  if (method === 'HEAD' || status === '304' || status === '204' || status.startsWith('1')) return { answer: { status: Number(status), headers, body: Buffer.alloc(0) }, length: start };
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const decoded = decodeChunked(rest);
    return decoded === undefined ? undefined : { answer: { status: Number(status), headers, body: decoded.body }, length: start + decoded.length };
  }
  if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'));
    return rest.length >= length ? { answer: { status: Number(status), headers, body: rest.subarray(0, length) }, length: start + length } : undefined;
  }
  // Neither: the body runs to the end of the connection.
  return { answer: { status: Number(status), headers, body: rest }, length: data.length };
}

/**
 * Writes `bytes` (one request, or several pipelined, the last with `Connection: close`) and reads
 * until the server closes. `methods` are the requests' methods, to know which answers have no body.
 */
export function rawExchange(options: { host: string; port: number; bytes: Buffer; halfClose: boolean; methods: readonly string[]; timeoutMs: number }): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (problem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const answers = parseAnswers(Buffer.concat(chunks), options.methods);
      resolve(answers.length < options.methods.length ? { answers, problem: problem ?? 'closed' } : { answers });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => finish());
    socket.once('close', () => finish());
    // A reset after a complete answer (a 413 that closes while we still send) still counts as answered.
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.once('connect', () => {
      socket.write(options.bytes);
      if (options.halfClose) socket.end();
    });
  });
}
