/**
 * Seeded fuzzing over real HTTP: per engine (all five, on SQLite) and per database (MariaDB and
 * PostgreSQL, on the native engine), thousands of generated and mutated requests
 * (test/helpers/fuzz-requests.ts), over fetch and over raw sockets, logged in and anonymous. None
 * may answer 5xx, make the server log an error, throw an uncaught exception or leave a rejection
 * unhandled; every answer is a JSON envelope except the documented non-JSON ones (pages, HEAD, 304,
 * node's own 400/431 for malformed HTTP); and the server answers normal requests right after.
 *
 * A failure prints its seed and request. Replay: `FUZZ_SEED=<seed> FUZZ_COUNT=<n> FUZZ_CELLS=<part of
 * a cell's name>`; FUZZ_COUNT alone runs more. Without FUZZ_COUNT each cell stops after
 * `defaultCount` requests or `cellBudgetMs`, whichever comes first, so the run stays bounded on a
 * loaded machine (the seed's sequence is the same, only shorter).
 */
import { AssertionError, strict as assert } from 'node:assert';
import { after, before, describe, it, test } from 'node:test';
import { Client } from '../helpers/client.ts';
import { describeRequest, generateRequest, hashSeed, Random, type FuzzRequest } from '../helpers/fuzz-requests.ts';
import { contractMatrix, type MatrixCell } from '../helpers/matrix.ts';
import { rawExchange, type RawAnswer } from '../helpers/raw-http.ts';
import type { TestServer } from '../helpers/start-server.ts';

// A fixed default seed keeps CI reproducible; FUZZ_SEED=random (or any number) explores other sequences.
const defaultSeed = 20_261_201;
const seed = process.env.FUZZ_SEED === undefined ? defaultSeed : process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 32) : Number(process.env.FUZZ_SEED);
if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`FUZZ_SEED=${process.env.FUZZ_SEED}: a non-negative integer is needed`);
const explicitCount = process.env.FUZZ_COUNT === undefined ? undefined : Number(process.env.FUZZ_COUNT);
if (explicitCount !== undefined && !(Number.isSafeInteger(explicitCount) && explicitCount > 0)) throw new Error(`FUZZ_COUNT=${process.env.FUZZ_COUNT}: a positive integer is needed`);
const defaultCount = 1500;
const cellBudgetMs = 5_000;
const wantedCells = process.env.FUZZ_CELLS?.split(',').map((part) => part.trim()).filter(Boolean);

/**
 * Small limits, so that oversized bodies are cheap to send; high login limits, so the fuzz never
 * locks zhangsan out; TRUST_PROXY, so that the fuzzed X-Forwarded-* headers are read, not ignored.
 */
const fuzzEnv = { BODY_LIMIT: '16384', LOGIN_MAX_FAILURES: '10000', LOGIN_MAX_FAILURES_PER_ADDRESS: '100000', TRUST_PROXY: 'true' };
const bodyLimit = Number(fuzzEnv.BODY_LIMIT);

const cells = contractMatrix()
  .filter((cell) => cell.sessionStore === 'memory' && (cell.storage === 'sqlite' || cell.engine === 'native'))
  .filter((cell) => wantedCells === undefined || wantedCells.some((part) => cell.name.includes(part)));

/** What the process threw or rejected without a handler while a cell ran. */
const uncaught: unknown[] = [];
process.on('uncaughtException', (error) => uncaught.push(error));
process.on('unhandledRejection', (reason) => uncaught.push(reason));

/** What anything wrote to stderr while a cell ran (a framework's default error printer, say): the app logs through its own log. */
const stderrWrites: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  stderrWrites.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return writeStderr(chunk, ...rest);
}) as typeof process.stderr.write;

/** Object.prototype's own keys before any request: a `__proto__` that reached a merge would add one. */
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

interface Answer {
  status: number;
  header(name: string): string | undefined;
  body: Buffer;
}

/** The normal request that follows a pipelined one on the same connection. */
const followUp = (host: string) => Buffer.from(`GET /api/blog/list HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

/** The request's bytes on a socket, framed as it says; the last request on the connection asks to close it. */
function rawBytes(url: URL, request: FuzzRequest): Buffer {
  const pipelined = request.framing === 'pipelined';
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${url.host}`, `Connection: ${pipelined ? 'keep-alive' : 'close'}`, ...request.headers.map(([name, value]) => `${name}: ${value}`)];
  let payload = request.body;
  if ((request.framing === 'length' || pipelined) && payload !== undefined) lines.push(`Content-Length: ${payload.length}`);
  if (request.framing === 'truncated') lines.push(`Content-Length: ${(payload?.length ?? 0) + 10}`);
  if (request.framing === 'chunked' || request.framing === 'bad-chunked') {
    lines.push('Transfer-Encoding: chunked');
    const data = payload ?? Buffer.alloc(0);
    const size = request.framing === 'chunked' ? data.length.toString(16) : 'zz';
    payload = Buffer.concat([...(data.length > 0 ? [Buffer.from(`${size}\r\n`), data, Buffer.from('\r\n')] : []), Buffer.from('0\r\n\r\n')]);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return Buffer.concat([head, ...(payload === undefined ? [] : [payload]), ...(pipelined ? [followUp(url.host)] : [])]);
}

function toAnswer(answer: RawAnswer): Answer {
  return { status: answer.status, header: (name) => answer.headers.get(name), body: answer.body };
}

/**
 * Sends one request by its transport; `answer` is undefined when none came (the reason in
 * `problem`). `followUp` is the answer to the normal request after a pipelined one.
 */
async function send(url: URL, request: FuzzRequest): Promise<{ answer: Answer | undefined; problem?: string; followUp?: Answer }> {
  if (request.transport === 'fetch') {
    const headers = new Headers();
    for (const [name, value] of request.headers) headers.append(name, value);
    const canHaveBody = request.method !== 'GET' && request.method !== 'HEAD';
    try {
      const response = await fetch(new URL(request.target, url), {
        method: request.method,
        headers,
        body: canHaveBody ? request.body : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
      const body = Buffer.from(await response.arrayBuffer());
      return { answer: { status: response.status, header: (name) => response.headers.get(name) ?? undefined, body } };
    } catch (error) {
      return { answer: undefined, problem: error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error) };
    }
  }
  const pipelined = request.framing === 'pipelined';
  const outcome = await rawExchange({
    host: url.hostname,
    port: Number(url.port),
    bytes: rawBytes(url, request),
    halfClose: request.framing === 'truncated',
    methods: pipelined ? [request.method, 'GET'] : [request.method],
    // A cut-short body leaves the server waiting for the rest until REQUEST_TIMEOUT: nothing more is
    // learnt by waiting for that, and it would spend the cell's whole budget on one request.
    timeoutMs: request.framing === 'truncated' ? 500 : 10_000,
  });
  const [first, second] = outcome.answers;
  if (first === undefined) return { answer: undefined, problem: outcome.problem ?? 'no answer' };
  return second === undefined ? { answer: toAnswer(first), ...(outcome.problem === undefined ? {} : { problem: outcome.problem }) } : { answer: toAnswer(first), followUp: toAnswer(second) };
}

/** Why an answer breaks the rules; undefined when it keeps them. */
function violation(request: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  const contentType = answer.header('content-type') ?? '';
  const method = request.method;
  if (contentType.startsWith('application/json')) {
    if (method === 'HEAD' || answer.status === 304) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return 'a JSON content type with a body that is not JSON';
    }
    if (typeof parsed !== 'object' || parsed === null || !('errno' in parsed) || typeof parsed.errno !== 'number') return 'JSON that is not an envelope (no numeric errno)';
    if (parsed.errno !== 0 && !('message' in parsed && typeof parsed.message === 'string' && 'code' in parsed && typeof parsed.code === 'string')) return 'a failure envelope without message and code';
    if (answer.status >= 400 && parsed.errno !== -1) return `status ${answer.status} with errno ${parsed.errno}`;
    return undefined;
  }
  // node's own answer to HTTP it cannot parse (malformed request line, headers or framing; headers too large).
  if ((answer.status === 400 || answer.status === 431) && contentType === '' && answer.body.length === 0 && /close/i.test(answer.header('connection') ?? '')) return undefined;
  // node's own answer to an `Expect` it does not know (only 100-continue is an expectation it meets).
  if (answer.status === 417 && contentType === '' && answer.body.length === 0 && request.headers.some(([name, value]) => name === 'Expect' && value.toLowerCase() !== '100-continue')) return undefined;
  if (method === 'HEAD' || answer.status === 304) return undefined;
  // The pages: what the static files serve outside /api/ (a file, a range of it, a precondition).
  if (!request.target.startsWith('/api/') && [200, 206, 412, 416].includes(answer.status)) return undefined;
  return `a non-JSON answer (${answer.status}, content-type ${JSON.stringify(contentType)})`;
}

/**
 * Whether not getting an answer is fine: the body was cut short, or over the limit (the 413 may close
 * first), or a CONNECT, whose connection node closes unanswered when nothing tunnels (node:http's
 * 'connect' event).
 */
function mayGoUnanswered(request: FuzzRequest): boolean {
  return request.framing === 'truncated' || (request.body?.length ?? 0) > bodyLimit || (request.transport === 'raw' && request.method === 'CONNECT');
}

function fail(cell: MatrixCell, index: number, request: FuzzRequest, problem: string, answer?: Answer): never {
  const shown = answer === undefined ? '' : `\n  answer: ${answer.status} ${answer.header('content-type') ?? ''} ${JSON.stringify(answer.body.subarray(0, 500).toString('utf8'))}`;
  throw new AssertionError({
    message: `fuzz request #${index} on ${cell.name}: ${problem}\n  replay: FUZZ_SEED=${seed} FUZZ_COUNT=${index + 1} FUZZ_CELLS='${cell.name}'\n  request: ${describeRequest(request)}${shown}`,
  });
}

for (const cell of cells) {
  if (cell.skip !== undefined) {
    test(`fuzz: ${cell.name}`, { skip: cell.skip }, () => {});
    continue;
  }
  describe(`fuzz: ${cell.name}`, () => {
    let server: TestServer;
    let user: Client;
    before(async () => {
      server = await cell.start({ env: fuzzEnv });
      user = new Client(server.url);
      await user.login('zhangsan');
    });
    after(() => server.close());

    /** A normal request is answered right, anonymous and logged in (logging in again if the fuzz logged out). */
    async function assertHealthy(where: string): Promise<void> {
      const list = await new Client(server.url).get('/api/blog/list');
      assert.equal(list.status, 200, `${where}: the list answered ${list.status} ${list.text}`);
      assert.equal(list.json.errno, 0, `${where}: the list answered ${list.text}`);
      if ((await user.get('/api/user/info')).json.errno !== 0) await user.login('zhangsan');
      const info = await user.get('/api/user/info');
      assert.deepEqual(info.json, { errno: 0, data: { username: 'zhangsan', realname: '张三' } }, `${where}: /api/user/info answered ${info.text}`);
    }

    it(`answers every request with an envelope, never 5xx, and stays up (seed ${seed})`, async (t) => {
      const random = new Random(hashSeed(`${seed}:${cell.name}`));
      const count = explicitCount ?? defaultCount;
      const deadline = explicitCount === undefined ? Date.now() + cellBudgetMs : Infinity;
      const url = new URL(server.url);
      uncaught.length = 0;
      stderrWrites.length = 0;
      let sent = 0;
      let sessionMayHaveEnded = false;
      let lastLogin = 0;
      const tally = new Map<number | string, number>();
      for (let index = 0; index < count && Date.now() < deadline; index += 1) {
        const request = generateRequest(random);
        if (request.loggedIn && user.cookie !== undefined) request.headers.push(['Cookie', user.cookie]);
        const { answer, problem, followUp } = await send(url, request);
        sent += 1;
        if (answer === undefined) {
          if (!mayGoUnanswered(request)) fail(cell, index, request, `no answer (${problem ?? 'unknown'})`);
          await assertHealthy(`right after request #${index}, which went unanswered`);
        } else {
          const broken = violation(request, answer);
          if (broken !== undefined) fail(cell, index, request, broken, answer);
          // After a pipelined request the connection must still serve the next one, unless the answer
          // closed it, or the request asked for an Upgrade (node then takes what follows for the other
          // protocol's bytes and closes the connection after its answer).
          const upgrade = request.headers.some(([name]) => name === 'Upgrade');
          if (request.framing === 'pipelined' && !upgrade && !/close/i.test(answer.header('connection') ?? '')) {
            if (followUp === undefined) fail(cell, index, request, `the normal request pipelined after it went unanswered (${problem ?? 'unknown'})`, answer);
            if (followUp.status !== 200 || !followUp.body.toString('utf8').startsWith('{"errno":0')) fail(cell, index, request, `the normal request pipelined after it answered ${followUp.status} ${followUp.body.subarray(0, 200).toString('utf8')}`, answer);
          }
        }
        tally.set(answer?.status ?? 'none', (tally.get(answer?.status ?? 'none') ?? 0) + 1);
        try {
          server.checkLogs();
        } catch (error) {
          fail(cell, index, request, `the server logged: ${error instanceof Error ? error.message : String(error)}`, answer);
        }
        if (stderrWrites.length > 0) fail(cell, index, request, `something wrote to stderr: ${JSON.stringify(stderrWrites.join(''))}`, answer);
        if (uncaught.length > 0) fail(cell, index, request, `uncaught in the process: ${uncaught.map((error) => (error instanceof Error ? error.stack : String(error))).join('\n')}`, answer);
        // A fuzzed logout (or login) with the user's cookie ends that session. Logging in again costs a
        // scrypt (tens of ms), so the requests go on anonymously and the login is redone at most every 25.
        if (request.loggedIn && /\/api\/user\/log/i.test(request.target)) sessionMayHaveEnded = true;
        if (sessionMayHaveEnded && index - lastLogin >= 25) {
          if ((await user.get('/api/user/info')).json.errno !== 0) await user.login('zhangsan');
          [sessionMayHaveEnded, lastLogin] = [false, index];
        }
        if (index % 250 === 249) await assertHealthy(`after request #${index}`);
      }
      await assertHealthy(`after all ${sent} requests`);
      assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'no request polluted Object.prototype');
      t.diagnostic(`${sent} requests, seed ${seed}; answers: ${[...tally].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    });
  });
}
