/**
 * The benchmark's load generator (bench/measure.ts driving Debian's wrk with bench/wrk-script.ts)
 * against a small server of the test: the request arrives byte for byte (method, headers, cookie,
 * a UTF-8 JSON body), and every answer that is not 2xx or not `errno: 0` is counted as a failure.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { measure } from '../../bench/measure.ts';

const body = JSON.stringify({ title: '压测："引号" \\ back\nslash', content: 'ünïcode ✓ 😀' });
const load = { connections: 2, durationSeconds: 1, warmupSeconds: 0 };
const noCpu = () => undefined;

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const server = createServer((request, response) => {
  void readAll(request).then((received) => {
    const path = request.url ?? '/';
    if (path === '/status-500') {
      response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"errno":0}');
      return;
    }
    if (path === '/errno') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errno":-1,"message":"no"}');
      return;
    }
    const same = request.method === 'POST' && received === body && request.headers.cookie === 'blog_sid=abc.def' && request.headers['content-type'] === 'application/json';
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(same ? '{"errno":0,"data":{}}' : '{"errno":-1,"message":"not the request sent"}');
  });
});
let baseUrl = '';

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

test('a POST with a cookie and a UTF-8 body arrives as sent; right answers are no failures', async () => {
  const result = await measure(baseUrl, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json', cookie: 'blog_sid=abc.def' }, body }, load, noCpu);
  assert.ok(result.requests > 0, 'wrk sent requests');
  assert.equal(result.failures, 0);
  assert.ok(result.requestsPerSecond > 0);
  assert.ok(result.p99Ms >= result.p50Ms);
  assert.ok(result.loadGeneratorMicrosecondsPerRequest === undefined || result.loadGeneratorMicrosecondsPerRequest > 0);
});

test('answers with errno other than 0 are failures', async () => {
  const result = await measure(baseUrl, { method: 'GET', path: '/errno', headers: {} }, load, noCpu);
  assert.ok(result.requests > 0);
  assert.equal(result.failures, result.requests);
});

test('non-2xx answers are failures, whatever their body', async () => {
  const result = await measure(baseUrl, { method: 'GET', path: '/status-500', headers: {} }, load, noCpu);
  assert.ok(result.requests > 0);
  assert.equal(result.failures, result.requests);
});

test('the server CPU per request is the CPU read around the measured run over its answers', async () => {
  let calls = 0;
  const cpu = () => (calls++ === 0 ? 10 : 12);
  const result = await measure(baseUrl, { method: 'GET', path: '/errno', headers: {} }, load, cpu);
  assert.equal(calls, 2);
  assert.ok(Math.abs((result.cpuMicrosecondsPerRequest ?? 0) - 2e6 / result.requests) < 1e-6);
});
