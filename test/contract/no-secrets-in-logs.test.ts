/**
 * Never a password, a session id or a cookie in any log. The whole contract suite runs against
 * servers (native × SQLite × memory sessions) that write the combined access log into their own
 * LOG_DIR, plus failure paths the suite does not take (wrong and locked logins with unusual
 * passwords, malformed and oversized login bodies, a 500 in the middle of a login, Redis sessions
 * lost and back). Every request goes through a recording `fetch`: the passwords sent (body, form,
 * query), the cookies sent and every session cookie the server set are collected. Then every line of
 * every log is searched: each access-log file, and each app-log record rendered exactly as the app
 * log writes it (src/ops/app-log.ts, stacks and causes included).
 *
 * Three checks per line: no collected secret of 8 characters or more, in any of its encodings (raw,
 * URL-encoded, form-encoded, log-escaped); no `password=` / `password:` followed by anything but
 * `***` (this also covers the suite's short passwords, `123`, which would match unrelated digits);
 * and no `Cookie:`, `Set-Cookie` or `<cookie name>=`. A password value that the suite also sends as
 * ordinary data (its SQL-injection payloads go into `author=` too) is only checked the second way.
 *
 * Depends on the access log masking `password=` query values (the contract's
 * `GET /api/user/login?username=zhangsan&password=123`, answered 405, is in the access log).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { LoginLimiter } from '../../src/core/ports.ts';
import { escapeLogText, formatLogRecord } from '../../src/ops/app-log.ts';
import { Client, assertEnvelope, assertServiceUnavailable } from '../helpers/client.ts';
import { createRedisPrefix, serviceAddress, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import type { MatrixCell } from '../helpers/matrix.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/start-server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { runContract } from './contract.ts';

/** What the clients sent and the server handed out, gathered from every request of this file. */
const sent = {
  passwords: new Set<string>(),
  /** Values sent in any other field or parameter: not distinctive of a password. */
  otherValues: new Set<string>(),
  /** Session cookie values the server set, their ids, and cookie values the clients sent. */
  cookies: new Set<string>(),
};

function recordFields(fields: Iterable<[string, unknown]>): void {
  for (const [key, value] of fields) {
    if (typeof value !== 'string') continue;
    (key.toLowerCase() === 'password' ? sent.passwords : sent.otherValues).add(value);
  }
}

function recordBody(body: unknown, contentType: string): void {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : undefined;
  if (text === undefined) return;
  if (contentType.includes('application/x-www-form-urlencoded')) return recordFields(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) recordFields(Object.entries(parsed));
  } catch {
    // A malformed body: the tests that send one register its password themselves.
  }
}

function recordCookiePairs(header: string): void {
  for (const pair of header.split(';')) {
    const value = pair.slice(pair.indexOf('=') + 1).trim();
    if (pair.includes('=') && value !== '') sent.cookies.add(value);
  }
}

/** How many requests were sent: the access logs must hold one line for each. */
let requestsSent = 0;
const realFetch = globalThis.fetch;
/** `fetch` that records what each request sends and each Set-Cookie it gets back. */
const recordingFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  recordFields(url.searchParams);
  const headers = new Headers(init?.headers);
  recordBody(init?.body, headers.get('content-type') ?? '');
  const cookie = headers.get('cookie');
  if (cookie) recordCookiePairs(cookie);
  requestsSent += 1;
  const response = await realFetch(input, init);
  for (const setCookie of response.headers.getSetCookie()) {
    const value = (setCookie.split(';')[0] ?? '').split('=').slice(1).join('=');
    if (value === '') continue;
    sent.cookies.add(value);
    // The session id alone, before its signature.
    sent.cookies.add(value.split('.')[0]!);
  }
  return response;
};
globalThis.fetch = recordingFetch;

/** Every server this file started, and the data directories (with their LOG_DIR) to read, then remove. */
const servers: TestServer[] = [];
const dataDirs: string[] = [];
after(() => {
  globalThis.fetch = realFetch;
  for (const directory of dataDirs) rmSync(directory, { recursive: true, force: true });
});

/** A server with the combined access log on, in a data directory kept until the logs are read. */
async function startLogged(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'blog-server-secrets-'));
  if (!dataDirs.includes(dataDir)) dataDirs.push(dataDir);
  const server = await startTestServer({ engine: 'native', sessionStore: 'memory', ...options, dataDir, env: { ACCESS_LOG: 'combined', ...options.env } });
  servers.push(server);
  return server;
}

const cell: MatrixCell = { name: 'native × sqlite × memory sessions, access log on', engine: 'native', storage: 'sqlite', sessionStore: 'memory', skip: undefined, start: startLogged };
runContract(cell);

/** A password nobody would type twice: found in a log only if it was logged. */
const unusualPassword = (label: string) => {
  const password = `${label}-${randomBytes(9).toString('base64url')}`;
  sent.passwords.add(password);
  return password;
};

describe('failure paths, for the logs', () => {
  it('wrong, locked, malformed and oversized logins', async () => {
    const server = await startLogged({ env: { LOGIN_MAX_FAILURES: '2' } });
    try {
      const client = new Client(server.url);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        assertEnvelope(await client.post('/api/user/login', { username: 'zhangsan', password: unusualPassword('wrong') }), 200, -1, 'LOGIN_FAILED', '登录失败');
      }
      const locked = await client.post('/api/user/login', { username: 'zhangsan', password: unusualPassword('locked') });
      assertEnvelope(locked, 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
      assertEnvelope(await client.request('POST', '/api/user/login', { form: { username: 'lisi', password: unusualPassword('form') } }), 200, -1, 'LOGIN_FAILED', '登录失败');
      const malformed = `{"username": "lisi", "password": "${unusualPassword('malformed')}",`;
      assertEnvelope(await client.request('POST', '/api/user/login', { raw: malformed, contentType: 'application/json' }), 400, -1, 'MALFORMED_BODY', '请求体格式错误: JSON 格式错误');
      const oversized = JSON.stringify({ username: 'lisi', password: unusualPassword('oversized'), padding: 'x'.repeat(1024 * 1024) });
      assertEnvelope(await client.request('POST', '/api/user/login', { raw: oversized, contentType: 'application/json' }), 413, -1, 'BODY_TOO_LARGE', '请求体过大: 最多 1048576 字节');
    } finally {
      await server.close();
    }
  });

  it('a 500 in the middle of a login logs the error, not the password', async () => {
    const exploding: LoginLimiter = {
      retryAfterSeconds: async () => 0,
      recordFailure: async () => ({ user: false, address: false }),
      recordSuccess: async () => {
        throw new Error('limiter exploded');
      },
      unlock: async () => ({ cleared: 0, wasLocked: false }),
    };
    const server = await startLogged({ app: { loginLimiter: exploding }, expectedLogs: [/^unexpected error:$/] });
    try {
      const password = unusualPassword('own');
      await server.app.services.users.createUser({ username: 'wangwu', password, realname: '王五' });
      assertEnvelope(await new Client(server.url).post('/api/user/login', { username: 'wangwu', password }), 500, -1, 'INTERNAL_ERROR', '服务器内部错误');
      assert.ok(server.logs.some((entry) => entry.message === 'unexpected error:'), 'the 500 was logged');
    } finally {
      await server.close();
    }
  });

  describe('Redis sessions lost and back', { skip: skipUnless(['redis'], 'the Redis part of the no-secrets test') }, () => {
    let prefix: TestResource | undefined;
    let proxy: TcpProxy | undefined;
    let server: TestServer | undefined;
    before(async () => {
      prefix = await createRedisPrefix();
      proxy = await TcpProxy.start(serviceAddress('redis'));
      server = await startLogged({
        sessionStore: 'redis',
        redisUrl: proxy.route(prefix.url),
        env: { SESSION_STORE_TIMEOUT: '500' },
        expectedLogs: [/^SERVICE_UNAVAILABLE:$/, /^redis \S+: connection lost \(.*\); reconnecting$/, /^redis \S+: connected again$/],
      });
    });
    after(async () => {
      try {
        await server?.close();
      } finally {
        await proxy?.close();
        await prefix?.drop();
      }
    });

    it('logs the outage and the 503s without the session or the password', async () => {
      assert.ok(server && proxy);
      const password = unusualPassword('redis');
      await server.app.services.users.createUser({ username: 'zhaoliu', password, realname: '赵六' });
      const user = new Client(server.url);
      await user.login('zhaoliu', password);
      proxy.cut();
      try {
        assertServiceUnavailable(await user.get('/api/user/info'));
        assertServiceUnavailable(await new Client(server.url).post('/api/user/login', { username: 'zhaoliu', password }));
      } finally {
        await proxy.restore();
      }
      await eventually(async () => (await user.get('/api/user/info')).status === 200, 15_000, 'the session works again');
      assert.ok(server.logs.some((entry) => entry.level === 'warn' && /connection lost/.test(entry.message)), 'the loss was logged');
    });
  });
});

/** Every line of every file under `directory` (gzipped ones unpacked: rotated access logs). */
function fileLines(directory: string): { where: string; line: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(directory, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(directory, name);
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch {
      return []; // a folder
    }
    const text = (name.endsWith('.gz') ? gunzipSync(content) : content).toString('utf8');
    return text.split('\n').filter(Boolean).map((line) => ({ where: path, line }));
  });
}

/** The forms a value could take in a log line. */
const encodings = (value: string) => [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), escapeLogText(value), JSON.stringify(value).slice(1, -1)];

describe('the logs of the whole run', () => {
  it('carry no password, no session id and no cookie', () => {
    const accessLines = dataDirs.flatMap((directory) => fileLines(join(directory, 'logs')));
    const appLines = servers.flatMap((server) => server.logs.map((entry) => ({ where: `app log of ${server.url}`, line: formatLogRecord(entry.level, entry.message, entry.error, new Date()).trimEnd() })));
    // The search must have something to search: every server wrote an access log, some wrote errors with stacks.
    assert.equal(accessLines.length, requestsSent, 'one access-log line per request');
    assert.ok(appLines.some(({ line }) => / ERROR .*\\n {4}at /.test(line)), 'app log records with a stack');
    assert.ok(sent.cookies.size > 20 && sent.passwords.size > 5, 'secrets were collected');

    const cookieNames = new Set(servers.map((server) => server.app.config.session.cookieName));
    const distinctive = [
      ...[...sent.passwords].filter((password) => !sent.otherValues.has(password)).map((value) => ({ kind: 'a password', value })),
      ...[...sent.cookies].map((value) => ({ kind: 'a session cookie or id', value })),
    ].filter(({ value }) => value.length >= 8);
    const findings: string[] = [];
    for (const { where, line } of [...accessLines, ...appLines]) {
      const found = distinctive.find(({ value }) => encodings(value).some((form) => line.includes(form)));
      if (found) findings.push(`${found.kind} in ${where}: ${line}`);
      if (/password["']?\s*(?:[:=]|%3D)\s*["']?(?!\*\*\*)[^\s"'&,})]/i.test(line)) findings.push(`a password value in ${where}: ${line}`);
      if (/cookie\s*:|set-cookie/i.test(line) || [...cookieNames].some((name) => line.includes(`${name}=`))) findings.push(`a cookie in ${where}: ${line}`);
    }
    assert.deepEqual(findings, []);
  });
});
