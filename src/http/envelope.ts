/**
 * The one place where outcomes and errors become responses: the course envelope for data and
 * errors, the declared content type for documents. A BlogError answers with its catalogue status and
 * message; anything else is a 500 with a fixed message, and its detail goes to the log only — never
 * a driver's message or a stack to the client.
 */
import { BlogError, errorCatalogue } from '../core/errors.ts';

export type HeaderValue = string | readonly string[];

export interface ApiResponse {
  status: number;
  headers: Readonly<Record<string, HeaderValue>>;
  /** The JSON text of the envelope, or a document's text. */
  body: string;
}

/**
 * Headers every API answer carries, documents included: never sniffed as another type, and never
 * rendered or framed as a page (an answer opened directly or in a frame runs nothing). The pages
 * have their own policy (static-files.ts).
 */
export const apiSecurityHeaders: Readonly<Record<string, HeaderValue>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
});

/** Headers every JSON answer carries: JSON, never cached (answers depend on the session), and the security headers. */
const baseHeaders: Readonly<Record<string, HeaderValue>> = Object.freeze({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...apiSecurityHeaders });

export function success(data: unknown, headers?: Record<string, HeaderValue>): ApiResponse {
  const envelope = data === undefined ? { errno: 0 } : { errno: 0, data };
  // Most answers add no header: share the frozen base instead of copying it per request.
  return { status: 200, headers: headers ? { ...baseHeaders, ...headers } : baseHeaders, body: JSON.stringify(envelope) };
}

/** A document answer (a feed, a sitemap, text) in the content type its route declares. */
export function documentResponse(contentType: string, text: string, headers?: Record<string, HeaderValue>): ApiResponse {
  return { status: 200, headers: { 'Content-Type': contentType, ...apiSecurityHeaders, ...headers }, body: text };
}

/** Where a failed request reports its cause: the app log's error records (src/ops/app-log.ts). */
export type ErrorLogger = (message: string, error: unknown) => void;

export function renderError(error: unknown, log: ErrorLogger): ApiResponse {
  if (error instanceof BlogError) {
    if (error.status >= 500) log(`${error.code}:`, error.cause ?? error);
    return {
      status: error.status,
      headers: { ...baseHeaders, ...error.headers },
      body: JSON.stringify({ errno: -1, message: error.message, code: error.code }),
    };
  }
  log('unexpected error:', error);
  const { status, message } = errorCatalogue.INTERNAL_ERROR;
  return { status, headers: baseHeaders, body: JSON.stringify({ errno: -1, message, code: 'INTERNAL_ERROR' }) };
}
