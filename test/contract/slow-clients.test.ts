/**
 * Slow and oversized clients, on every engine, with short limits so that the test is quick: headers
 * sent a byte at a time are cut off after HEADERS_TIMEOUT, a body trickled slower than
 * REQUEST_TIMEOUT is cut off after it (both answered 408 in the envelope), headers over
 * MAX_HEADER_SIZE are answered 431 in the envelope — readable while the client is still sending —
 * and bytes that are not HTTP get a 400. node refuses all of these before any engine sees a request;
 * src/http/client-error.ts answers for it.
 */
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { defaults } from '../../src/config/defaults.ts';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const headersTimeoutMs = 300;
const requestTimeoutMs = 2_000;
const maxHeaderBytes = 2_048;
/** A cut-off comes this long after its limit at the latest, even on a loaded machine. */
const slackMs = 10_000;
const trickleEveryMs = 50;

interface Outcome {
  received: Buffer;
  /** From the connection's start to its close. */
  elapsedMs: number;
}

/** Opens a raw connection, sends `head` at once, then one byte of `trickle` every 50 ms, until the server closes. */
function trickle(url: URL, head: string, trickled: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const received: Buffer[] = [];
    let next = 0;
    const timer = setInterval(() => {
      if (next < trickled.length && socket.writable) socket.write(trickled[next++]!);
    }, trickleEveryMs);
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not cut the connection off within ${requestTimeoutMs + slackMs} ms`));
    }, requestTimeoutMs + slackMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    // A byte sent as the server closes may be answered with a reset: what was received is what counts.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(deadline);
      resolve({ received: Buffer.concat(received), elapsedMs: performance.now() - started });
    });
    socket.write(head);
  });
}

/** Sends all of `chunks` whatever comes back, reads until the server closes; fails on a reset. */
function sendAll(url: URL, chunks: readonly Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
    const received: Buffer[] = [];
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error) => (failure ??= error));
    const deadline = setTimeout(() => socket.destroy(new Error('no close within 30 s')), 30_000);
    socket.on('close', () => {
      clearTimeout(deadline);
      if (failure) reject(new Error(`the connection failed (${String(failure)}) after ${Buffer.concat(received).toString('latin1').slice(0, 80)}`));
      else resolve(Buffer.concat(received));
    });
    pipeline(Readable.from(chunks), socket).catch((error: unknown) => {
      failure ??= error instanceof Error ? error : new Error(String(error));
    });
  });
}

/** Asserts that `received` is one answer with `status`, `Connection: close`, the security headers and the envelope. */
function assertRawEnvelope(received: Buffer, status: number, code: string, message: string): void {
  const text = received.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), `got ${JSON.stringify(text.slice(0, 100))}`);
  const head = text.slice(0, split).toLowerCase().split('\r\n');
  for (const line of ['connection: close', 'content-type: application/json; charset=utf-8', 'x-content-type-options: nosniff', "content-security-policy: default-src 'none'; frame-ancestors 'none'"]) {
    assert.ok(head.includes(line), `${line} in ${JSON.stringify(head)}`);
  }
  const body = text.slice(split + 4);
  assert.ok(head.includes(`content-length: ${Buffer.byteLength(body)}`), `Content-Length of ${JSON.stringify(body)}`);
  assert.deepEqual(JSON.parse(body), { errno: -1, message, code });
}

for (const engine of ENGINE_NAMES) {
  describe(`slow and oversized clients (${engine})`, () => {
    let server: TestServer;
    let url: URL;
    before(async () => {
      server = await startTestServer({
        engine,
        env: { HEADERS_TIMEOUT: String(headersTimeoutMs), REQUEST_TIMEOUT: String(requestTimeoutMs), MAX_HEADER_SIZE: String(maxHeaderBytes), DEMO_DATA: 'false' },
      });
      url = new URL(server.url);
    });
    after(() => server.close());

    it('cuts off headers sent a byte at a time after HEADERS_TIMEOUT, with a 408', async () => {
      const { received, elapsedMs } = await trickle(url, 'GET /api/blog/list HTTP/1.1\r\n', `Host: ${url.host}\r\nX-Slow: ${'s'.repeat(1_000)}\r\n\r\n`);
      assert.ok(elapsedMs >= headersTimeoutMs * 0.9, `not before HEADERS_TIMEOUT (${elapsedMs} ms)`);
      // REQUEST_TIMEOUT would cut it off later: this was the headers' limit.
      assert.ok(elapsedMs < requestTimeoutMs, `cut off by HEADERS_TIMEOUT, before REQUEST_TIMEOUT (${elapsedMs} ms)`);
      assertRawEnvelope(received, 408, 'REQUEST_TIMEOUT', '请求超时');
    });

    it('cuts off a body trickled slower than REQUEST_TIMEOUT, with a 408', async () => {
      const body = JSON.stringify({ username: 'zhangsan', password: 'x'.repeat(1_000) });
      const head = `POST /api/user/login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      const { received, elapsedMs } = await trickle(url, head, body);
      assert.ok(elapsedMs >= requestTimeoutMs * 0.9, `not before REQUEST_TIMEOUT (${elapsedMs} ms)`);
      assertRawEnvelope(received, 408, 'REQUEST_TIMEOUT', '请求超时');
    });

    it('answers headers over MAX_HEADER_SIZE with a readable 431 while the client goes on sending', async () => {
      const big = Buffer.from(`X-Big: ${'b'.repeat(16 * 1024)}\r\n`);
      // 5 MiB of headers, more than loopback's socket buffers hold: closing at once resets the connection (it did, at the first try).
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const received = await sendAll(url, [Buffer.from(`GET /api/blog/list HTTP/1.1\r\nHost: ${url.host}\r\n`), ...Array.from({ length: 320 }, () => big), Buffer.from('\r\n')]);
        assertRawEnvelope(received, 431, 'HEADERS_TOO_LARGE', '请求头过大');
      }
      // Headers just under the limit are served.
      const reply = await fetch(`${server.url}/api/blog/list`, { headers: { 'x-fits': 'f'.repeat(maxHeaderBytes - 300) } });
      assert.equal(reply.status, 200);
    });

    it('answers bytes that are not HTTP with a 400 envelope, and goes on serving', async () => {
      const received = await sendAll(url, [Buffer.from('HELLO THERE\r\n\r\n')]);
      assertRawEnvelope(received, 400, 'MALFORMED_REQUEST', '请求格式错误');
      const reply = await fetch(`${server.url}/api/blog/list`);
      assert.equal(reply.status, 200);
    });

    it('answers a request cut short by the client with a 400, and closes at once rather than lingering', async () => {
      const started = performance.now();
      const received = await new Promise<Buffer>((resolve, reject) => {
        const socket = connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks)));
        socket.end(`GET /api/blog/list HTTP/1.1\r\nHost: ${url.host}\r\nX-Half: `);
      });
      assertRawEnvelope(received, 400, 'MALFORMED_REQUEST', '请求格式错误');
      assert.ok(performance.now() - started < defaults.lingeringClose.maxMs, 'closed before the linger bound');
    });
  });
}
