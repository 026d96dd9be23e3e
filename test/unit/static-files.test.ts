// createStaticFiles on its own (no browser, no engine): what it serves, with which headers, and
// when it hands the request on with next(). pages.test.ts checks the same through every engine.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { createStaticFiles } from '../../src/http/static-files.ts';
import type { StaticFilesHandler } from '../../src/http/static-files.ts';

// The expected headers are written out here, not imported from the module: a weakened policy in
// static-files.ts must fail this test (docs/pages.md states the same values).
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const REVALIDATE_CACHE_CONTROL = 'no-cache';

const PAGE = '<!doctype html><html lang="zh-CN"><title>首页</title></html>';
const SCRIPT = 'console.log("hi")';
const HASHED_SCRIPT = '/assets/app-0123456789.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let dir: string;

function send(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolvePromise({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: Buffer.concat(chunks),
      }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** A server that answers 404 "next" whenever the handler passes the request on, as engines do. */
async function serve(handler: StaticFilesHandler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('next');
    });
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'static-files-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), PAGE);
  await writeFile(join(dir, 'index.html.br'), brotliCompressSync(PAGE));
  await writeFile(join(dir, 'index.html.gz'), gzipSync(PAGE));
  await writeFile(join(dir, 'detail.html'), PAGE);
  await writeFile(join(dir, HASHED_SCRIPT), SCRIPT);
  await writeFile(join(dir, '.env'), 'SECRET=1');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const production of [true, false]) {
  describe(`createStaticFiles (production: ${production})`, () => {
    let url: string;
    let server: Server;

    before(async () => {
      ({ url, server } = await serve(createStaticFiles(dir, { production })));
    });

    after(() => new Promise<void>((resolvePromise) => server.close(() => resolvePromise())));

    test('HTML is revalidated and carries the CSP, nosniff and referrer policy', async () => {
      const answer = await send(`${url}/`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), PAGE);
      assert.match(String(answer.headers['content-type']), /^text\/html/);
      assert.equal(answer.headers['cache-control'], REVALIDATE_CACHE_CONTROL);
      assert.equal(answer.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      assert.equal(answer.headers['referrer-policy'], 'same-origin');
      assert.ok(answer.headers.etag);
    });

    test('pages answer without their .html too', async () => {
      const answer = await send(`${url}/detail?id=3`);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    });

    test('brotli or gzip as the client accepts, with Vary', async () => {
      const br = await send(`${url}/`, { headers: { 'Accept-Encoding': 'gzip, br' } });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(br.headers.vary, 'Accept-Encoding');
      const gz = await send(`${url}/`, { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      const plain = await send(`${url}/`);
      assert.equal(plain.headers['content-encoding'], undefined);
    });

    test('a matching ETag answers 304 with the same caching and security headers', async () => {
      const first = await send(`${url}/`, { headers: { 'Accept-Encoding': 'br' } });
      const second = await send(`${url}/`, { headers: { 'Accept-Encoding': 'br', 'If-None-Match': String(first.headers.etag) } });
      assert.equal(second.status, 304);
      assert.equal(second.headers['cache-control'], REVALIDATE_CACHE_CONTROL);
      assert.equal(second.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    });

    test('hashed assets are immutable for a year, with a charset', async () => {
      const answer = await send(`${url}${HASHED_SCRIPT}`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), SCRIPT);
      assert.equal(answer.headers['cache-control'], IMMUTABLE_CACHE_CONTROL);
      assert.equal(answer.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(answer.headers['content-security-policy'], undefined);
    });

    test('HEAD answers headers only', async () => {
      const answer = await send(`${url}/`, { method: 'HEAD' });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.length, 0);
      assert.equal(answer.headers['content-length'], String(Buffer.byteLength(PAGE)));
    });

    test('other methods, unknown files, dotfiles and escapes go to next() without our headers', async () => {
      for (const [method, path] of [
        ['POST', '/'], ['PUT', '/index.html'], ['DELETE', '/'],
        ['GET', '/nope.html'], ['GET', '/assets/app-9999999999.js'], ['GET', '/.env'],
        ['GET', '/../package.json'], ['GET', '/%2e%2e/package.json'], ['GET', '/%'],
      ] as const) {
        const answer = await send(`${url}${path}`, { method });
        assert.equal(answer.status, 404, `${method} ${path}`);
        assert.equal(answer.body.toString(), 'next', `${method} ${path}`);
        assert.equal(answer.headers['cache-control'], undefined, `${method} ${path}`);
        assert.equal(answer.headers['content-security-policy'], undefined, `${method} ${path}`);
      }
    });
  });
}

test('a missing folder gives a handler that always calls next()', async () => {
  const { url, server } = await serve(createStaticFiles(join(dir, 'no-such-folder'), { production: true }));
  try {
    const answer = await send(`${url}/`);
    assert.equal(answer.status, 404);
    assert.equal(answer.body.toString(), 'next');
  } finally {
    await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  }
});
