/**
 * Request bodies for engines without a body parser of their own (native, the course's mini
 * frameworks): JSON and urlencoded, with a size limit. Over the limit → BODY_TOO_LARGE (413),
 * malformed JSON → MALFORMED_BODY (400); other content types are read and ignored, as Express does.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { BlogError } from '../core/errors.ts';

/** The media type of the body, lower-case, without parameters. */
export function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** JSON as every engine reads it: `application/json` and any `+json` type. */
export function isJsonRequest(request: IncomingMessage): boolean {
  const mediaType = mediaTypeOf(request);
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * The body is over the limit. The rest of it may still be on its way: the connection closes rather
 * than read it only to throw it away.
 */
export function bodyTooLarge(limit: number, cause?: unknown): BlogError {
  return new BlogError('BODY_TOO_LARGE', `最多 ${limit} 字节`, { headers: { Connection: 'close' }, cause });
}

/**
 * Whether the request announces a body (a length or chunked encoding). Reads `rawHeaders`: node
 * builds `request.headers` on first use, which would cost every answer that `send` checks.
 */
export function hasBody(request: IncomingMessage): boolean {
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && name.toLowerCase() === 'content-length' && Number(raw[index + 1]) > 0) return true;
  }
  return false;
}

/** Reads the whole body, rejecting as soon as it passes `limit` bytes. */
export function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks, size)));
    request.once('error', (error) => reject(new BlogError('MALFORMED_BODY', undefined, { cause: error })));
  });
}

/** Whether the body comes in a content coding (gzip, deflate, br…) rather than as it is. */
function isEncoded(request: IncomingMessage): boolean {
  const encoding = request.headers['content-encoding'];
  return encoding !== undefined && encoding.trim().toLowerCase() !== 'identity';
}

/**
 * Parses the body by its content type; undefined when empty or of a type the API does not take. A
 * compressed JSON or form body is not read (MALFORMED_BODY), on every engine: Express's parsers run
 * with `inflate: false` and Koa's refuse it too, rather than each inflating differently.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readRawBody(request, limit);
  if (raw.length === 0) return undefined;
  const form = mediaTypeOf(request) === 'application/x-www-form-urlencoded';
  if ((form || isJsonRequest(request)) && isEncoded(request)) throw new BlogError('MALFORMED_BODY');
  if (isJsonRequest(request)) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BlogError('MALFORMED_BODY', 'JSON 格式错误');
    }
  }
  if (form) return { ...parseForm(raw.toString('utf8')) };
  return undefined;
}
