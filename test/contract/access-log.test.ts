/**
 * Access logs on every engine: src/http/access-log.ts wraps each engine's listener, so every
 * request — served, refused by a parser, unknown — gives exactly one line in Apache combined format
 * plus the response time, and no engine logs a second time. A password in the query is logged as
 * `***`; the address is the client's behind a trusted proxy only.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { Client, type RequestOptions } from '../helpers/client.ts';
import { startTestServer } from '../helpers/start-server.ts';

// host ident user [time] "request" status bytes "referrer" "user-agent" response-time
const combinedLine = /^(\S+) - (\S+) \[(\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "(\S+) (\S+) HTTP\/(\d\.\d)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)" (\d+\.\d{3})$/;

interface Sent {
  method: string;
  path: string;
  options?: RequestOptions;
  /** The URL as logged, when not `path`. */
  logged?: string;
}

const userAgent = 'access-log-test/1.0 (engine check)';
const referrer = 'http://blog.example/index.html';

const requests: Sent[] = [
  { method: 'GET', path: '/api/blog/list' },
  { method: 'GET', path: '/api/blog/detail?id=1' },
  { method: 'HEAD', path: '/api/blog/detail?id=1' },
  { method: 'POST', path: '/api/user/login', options: { json: { username: 'zhangsan', password: '123' } } },
  { method: 'POST', path: '/api/blog/new', options: { raw: '{"title":', contentType: 'application/json' } },
  { method: 'POST', path: '/api/blog/new', options: { json: { title: 't', content: 'x'.repeat(1024 * 1024 + 1) } } },
  { method: 'GET', path: '/api/nope?x=1' },
  { method: 'POST', path: '/api/blog/list' },
  { method: 'POST', path: '/api/user/logout' },
  // The course's GET login (off here): whatever the answer, the password never reaches the log.
  { method: 'GET', path: '/api/user/login?username=zhangsan&password=s3cret', logged: '/api/user/login?username=zhangsan&password=***' },
  { method: 'GET', path: '/api/blog/list?pass%77ord=s3cret&password=again', logged: '/api/blog/list?pass%77ord=***&password=***' },
];

/** The lines of `LOG_DIR/access.log` of a closed test server in `dataDir`. */
function loggedLines(dataDir: string): string[] {
  const lines = readFileSync(join(dataDir, 'logs', 'access.log'), 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the log ends with a newline');
  return lines;
}

describe('access log: one combined-format line per request on every engine', () => {
  for (const engine of ENGINE_NAMES) {
    test(engine, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-access-log-'));
      try {
        // The pages' origin, which the Referer names: the POSTs below are not cross-site (docs/API.md "Security rules").
        const server = await startTestServer({ engine, dataDir, env: { ACCESS_LOG: 'combined', ALLOWED_ORIGINS: new URL(referrer).origin } });
        const answers: { status: number; length: string | null }[] = [];
        try {
          const client = new Client(server.url);
          for (const { method, path, options } of requests) {
            const reply = await client.request(method, path, { ...options, headers: { 'user-agent': userAgent, referer: referrer } });
            answers.push({ status: reply.status, length: reply.headers.get('content-length') });
          }
        } finally {
          // The log stream writes asynchronously; closing the server ends (and flushes) it.
          await server.close();
        }

        const lines = loggedLines(dataDir);
        assert.doesNotMatch(lines.join('\n'), /s3cret|again/);
        assert.equal(lines.length, requests.length, `one line per request:\n${lines.join('\n')}`);
        for (const [index, line] of lines.entries()) {
          const sent = requests[index];
          const answer = answers[index];
          assert.ok(sent && answer);
          const fields = combinedLine.exec(line);
          assert.ok(fields, `not combined format: ${line}`);
          const [, address, user, time, method, url, httpVersion, status, bytes, loggedReferrer, loggedAgent] = fields;
          assert.equal(address, '127.0.0.1');
          assert.equal(user, '-');
          assert.ok(Number.isFinite(Date.parse(time?.replace(':', ' ') ?? '')), `time ${time}`);
          assert.deepEqual([method, url, httpVersion], [sent.method, sent.logged ?? sent.path, '1.1'], line);
          assert.equal(Number(status), answer.status, line);
          // Every engine sets Content-Length itself, so the byte count is never `-`.
          assert.equal(bytes, answer.length, line);
          assert.equal(loggedReferrer, referrer);
          assert.equal(loggedAgent, userAgent);
        }
        assert.deepEqual(answers.map(({ status }) => status), [200, 200, 200, 200, 400, 413, 404, 405, 200, 405, 200]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});

describe('access log: the client address and quoted fields', () => {
  const forwardedFor = '203.0.113.7, 10.0.0.1';
  for (const trustProxy of [true, false]) {
    test(`TRUST_PROXY=${trustProxy}: ${trustProxy ? 'the first X-Forwarded-For hop' : 'the socket peer'} is logged`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-access-log-'));
      try {
        const server = await startTestServer({ dataDir, env: { ACCESS_LOG: 'combined', TRUST_PROXY: String(trustProxy) } });
        try {
          await new Client(server.url).request('GET', '/api/blog/list', { headers: { 'x-forwarded-for': forwardedFor, 'user-agent': 'quote " and \\ back' } });
        } finally {
          await server.close();
        }
        const [line, ...rest] = loggedLines(dataDir);
        assert.deepEqual(rest, []);
        const fields = combinedLine.exec(line ?? '');
        assert.ok(fields, `not combined format: ${line}`);
        assert.equal(fields[1], trustProxy ? '203.0.113.7' : '127.0.0.1');
        // A quote inside a quoted field would end it early and let a client forge the rest of the line.
        assert.equal(fields[10], 'quote \\x22 and \\x5c back');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
