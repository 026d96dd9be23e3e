// Serves the built pages (dist/web, see scripts/build-web.mjs and docs/pages.md) for every engine:
// precompressed .br/.gz when the client accepts them, hashed assets cached for a year, HTML
// revalidated on every visit, and the security headers the pages are written for.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/** The middleware shape every engine mounts for paths outside /api/. */
export type StaticFilesHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface StaticFilesOptions {
  /**
   * true: the file list is read once when the handler is created (fastest; restart after a deploy).
   * false: files are looked up on each request, so `node scripts/build-web.mjs` during development
   * shows up without a restart.
   */
  production: boolean;
}

// No inline script or style and no other origin: the pages load one script and one stylesheet
// from /assets/ and talk only to /api/ on the same origin. img data: is for the empty favicon.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** For files whose name carries a hash of their content: a new build gives a new name. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** For HTML and anything else unhashed: cache, but ask the server (ETag) before each use. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** Sent with every file served, whatever its kind. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** The build names hashed files assets/<name>-<10 hex digits>.<ext> (scripts/build-web.mjs); nginx's config uses the same pattern. */
export const HASHED_ASSET = /^\/assets\/[^/]+-[0-9a-f]{10}\.[a-z0-9]+$/;
/** The paths of pages: `/`, `*.html`, and names without an extension (`/detail` is detail.html). */
export const HTML_PATH = /(?:\/|\.html?|\/[^/.]+)$/;
/**
 * The Content-Type of each kind of file the build makes, charset included (mrmime gives none for
 * JS and CSS; a browser should not have to guess). nginx's config lists the same types.
 */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function headersFor(pathname: string): Record<string, string> {
  const headers: Record<string, string> = { ...SECURITY_HEADERS };
  headers['Cache-Control'] = HASHED_ASSET.test(pathname) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL;
  const isPage = HTML_PATH.test(pathname);
  if (isPage) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  const extension = isPage ? '.html' : /\.[a-z0-9]+$/.exec(pathname)?.[0];
  const contentType = extension === undefined ? undefined : CONTENT_TYPES[extension];
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return headers;
}

/**
 * Names starting with a dot (.env, .git) are never served. sirv skips them when it lists the folder
 * (production) but not when it looks files up per request (development), so check here for both.
 */
function isHiddenPath(pathname: string): boolean {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Malformed percent-encoding: sirv finds no file for it either; check it as it is.
  }
  return /(?:^|[/\\])\./.test(decoded);
}

function passThrough(_req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  next();
}

/**
 * Serves `dir` at `/` for GET and HEAD; calls `next()` for any other method or when no file
 * matches (the engine then answers 404). A missing `dir` gives a handler that always calls next().
 */
export function createStaticFiles(dir: string, options: StaticFilesOptions): StaticFilesHandler {
  if (!existsSync(dir)) return passThrough;
  const serve = sirv(dir, {
    dev: !options.production,
    etag: true,
    brotli: true,
    gzip: true,
    dotfiles: false,
  });

  return function serveStaticFile(req, res, next) {
    const pathname = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isHiddenPath(pathname)) {
      next();
      return;
    }
    // Set before sirv runs so that its 304 answers carry them too (RFC 9110 §15.4.5); taken off
    // again when no file matches, so the engine's 404 is not cached for a year.
    const headers = headersFor(pathname);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    serve(req, res, () => {
      for (const name of Object.keys(headers)) res.removeHeader(name);
      next();
    });
  };
}
