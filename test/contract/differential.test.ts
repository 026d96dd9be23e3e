/**
 * The differential test: one recorded sequence of requests replayed against every engine, whose
 * answers must equal the native engine's — status, body and the headers clients read — ignoring only
 * cookie values, ids and timestamps.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { SessionUser } from '../../src/core/session-user.ts';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { MemorySessionStore } from '../../src/sessions/memory-store.ts';
import type { SessionStore } from '../../src/sessions/session-store.ts';
import { Client, type Reply, type RequestOptions } from '../helpers/client.ts';
import { startTestServer } from '../helpers/start-server.ts';

/** The headers a client or a proxy acts on; absent ones are recorded as null. */
const comparedHeaders = ['content-type', 'cache-control', 'allow', 'x-total-count', 'link', 'retry-after', 'connection', 'x-powered-by', 'etag'];

interface Recorded {
  step: string;
  status: number;
  headers: Record<string, string | null>;
  setCookie: string[];
  body: unknown;
}

/** Stable placeholders: the n-th distinct id seen is `<id n>`, so equal ids stay equal. */
function normalizer() {
  const ids = new Map<unknown, string>();
  const idOf = (value: unknown) => {
    if (!ids.has(value)) ids.set(value, `<id ${ids.size + 1}>`);
    return ids.get(value);
  };
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, walk(item, name)]));
    }
    if (key === 'id' && value !== null) return idOf(value);
    if ((key === 'createtime' || key === 'updatetime' || key === 'publishtime') && typeof value === 'number') return '<time>';
    return value;
  };
  return { walk, idOf };
}

/** `name=value; Max-Age=…; Expires=…` with the value and the date replaced, attributes kept in order. */
const loginWindowSeconds = 900;

/** Retry-After counts down from the lock: a loaded machine may read it a second later on one engine. */
function normalizeHeader(name: string, value: string | null): string | null {
  if (name !== 'retry-after' || value === null) return value;
  const seconds = Number(value);
  return Number.isInteger(seconds) && seconds > 0 && seconds <= loginWindowSeconds ? '<seconds within the window>' : value;
}

function normalizeSetCookie(header: string): string {
  return header
    .split(/;\s*/)
    .map((part, index) => {
      const [name = '', ...rest] = part.split('=');
      if (index === 0) return `${name}=${rest.join('=') === '' ? '' : '<value>'}`;
      return name.toLowerCase() === 'expires' ? 'Expires=<date>' : part;
    })
    .join('; ');
}

/** A memory store that fails every call while `down` is set: the shared layer must answer 503. */
class FlakyStore implements SessionStore {
  down = false;
  readonly #inner = new MemorySessionStore();

  #check(): void {
    if (this.down) throw new Error('session store unreachable (test)');
  }
  async get(key: string): Promise<SessionUser | undefined> {
    this.#check();
    return this.#inner.get(key);
  }
  async set(key: string, user: SessionUser, ttlSeconds: number): Promise<void> {
    this.#check();
    return this.#inner.set(key, user, ttlSeconds);
  }
  async destroy(key: string): Promise<void> {
    this.#check();
    return this.#inner.destroy(key);
  }
  async destroyUser(userId: number, exceptKey?: string): Promise<number> {
    this.#check();
    return this.#inner.destroyUser(userId, exceptKey);
  }
  async destroyAll(): Promise<number> {
    this.#check();
    return this.#inner.destroyAll();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

async function replay(engine: string): Promise<Recorded[]> {
  const store = new FlakyStore();
  const server = await startTestServer({ engine, env: { LOGIN_MAX_FAILURES: '2', LOGIN_WINDOW: String(loginWindowSeconds) }, app: { sessionStore: store } });
  try {
    assert.equal(server.app.config.engine, engine);
    const zhangsan = new Client(server.url);
    const lisi = new Client(server.url);
    const { walk, idOf } = normalizer();
    const recorded: Recorded[] = [];
    const record = async (step: string, client: Client, method: string, path: string, options?: RequestOptions): Promise<Reply> => {
      const reply = await client.request(method, path, options);
      recorded.push({
        step,
        status: reply.status,
        headers: Object.fromEntries(comparedHeaders.map((name) => [name, normalizeHeader(name, reply.headers.get(name))])),
        setCookie: reply.headers.getSetCookie().map(normalizeSetCookie),
        body: reply.text === '' ? '' : walk(reply.json),
      });
      return reply;
    };

    await record('anonymous list', zhangsan, 'GET', '/api/blog/list');
    await record('anonymous list, page 2 of 1-item pages', zhangsan, 'GET', '/api/blog/list?page=2&pageSize=1');
    await record('anonymous detail', zhangsan, 'GET', '/api/blog/detail?id=1');
    await record('anonymous create', zhangsan, 'POST', '/api/blog/new', { json: { title: 't', content: 'c' } });
    await record('login', zhangsan, 'POST', '/api/user/login', { json: { username: 'zhangsan', password: '123' } });
    const session = zhangsan.cookie;
    assert.ok(session, `${engine}: login set no cookie`);
    await record('info', zhangsan, 'GET', '/api/user/info');
    const created = await record('create', zhangsan, 'POST', '/api/blog/new', { json: { title: '差分测试', content: '<b>同一个答案</b>' } });
    const id = (created.json.data as { id?: number } | undefined)?.id;
    assert.ok(id !== undefined, `${engine}: create returned no id: ${created.text}`);
    idOf(id);
    await record('update (form body)', zhangsan, 'POST', `/api/blog/update?id=${id}`, { form: { title: '改过的标题', content: '改过的内容' } });
    await record('detail after update', zhangsan, 'GET', `/api/blog/detail?id=${id}`);
    await record('own admin list', zhangsan, 'GET', '/api/blog/list?isadmin=1');
    await record('login as lisi', lisi, 'POST', '/api/user/login', { form: { username: 'lisi', password: '123' } });
    await record('foreign update as lisi', lisi, 'POST', `/api/blog/update?id=${id}`, { json: { title: 'mine now', content: 'x' } });
    await record('foreign delete as lisi', lisi, 'POST', `/api/blog/del?id=${id}`);
    await record('bad JSON', zhangsan, 'POST', '/api/blog/new', { raw: '{"title": "t",', contentType: 'application/json' });
    await record('JSON that is not an object', zhangsan, 'POST', '/api/blog/new', { raw: '"just a string"', contentType: 'application/json' });
    await record('oversize body (> 1 MiB)', zhangsan, 'POST', '/api/blog/new', { json: { title: 't', content: 'x'.repeat(1024 * 1024 + 1) } });
    await record('missing id', zhangsan, 'GET', '/api/blog/detail');
    await record('unknown route', zhangsan, 'GET', '/api/blog/nope');
    await record('unknown route, other case', zhangsan, 'GET', '/api/user/LOGOUT');
    await record('unknown route, trailing slash', zhangsan, 'GET', '/api/blog/list/');
    await record('wrong method', zhangsan, 'POST', '/api/blog/list', { json: {} });
    await record('wrong method: OPTIONS', zhangsan, 'OPTIONS', '/api/user/logout');
    await record('HEAD on a GET route', zhangsan, 'HEAD', `/api/blog/detail?id=${id}`);
    await record('HEAD on a POST route', zhangsan, 'HEAD', '/api/blog/new');
    await record('failed login 1', lisi, 'POST', '/api/user/login', { json: { username: 'wangwu', password: 'wrong-password' } });
    await record('failed login 2', lisi, 'POST', '/api/user/login', { json: { username: 'wangwu', password: 'wrong-password' } });
    await record('login locked (429, Retry-After)', lisi, 'POST', '/api/user/login', { json: { username: 'wangwu', password: 'wrong-password' } });
    // The shared layer logs each store failure it turns into a 503.
    server.expectLog(/^SERVICE_UNAVAILABLE:$/);
    store.down = true;
    await record('info while the session store fails', zhangsan, 'GET', '/api/user/info');
    await record('login while the session store fails', lisi, 'POST', '/api/user/login', { json: { username: 'lisi', password: '123' } });
    store.down = false;
    await record('logout', zhangsan, 'POST', '/api/user/logout');
    await record('info after logout', zhangsan, 'GET', '/api/user/info');
    await record('replayed old cookie: info', zhangsan, 'GET', '/api/user/info', { cookie: session });
    await record('replayed old cookie: create', zhangsan, 'POST', '/api/blog/new', { cookie: session, json: { title: 't', content: 'c' } });
    await record('delete as owner after a new login', zhangsan, 'POST', '/api/user/login', { json: { username: 'zhangsan', password: '123' } });
    await record('delete', zhangsan, 'POST', `/api/blog/del?id=${id}`);
    return recorded;
  } finally {
    await server.close();
  }
}

describe('differential: every engine answers one recorded sequence as native does', () => {
  // Each engine's sequence is replayed once, inside the tests that read it, so that a replay that
  // fails (its server logged an unexpected line, say) fails those tests, counted as failures.
  const recordings = new Map<string, Promise<Recorded[]>>();
  const recording = (engine: string): Promise<Recorded[]> => {
    let recorded = recordings.get(engine);
    if (!recorded) {
      recorded = replay(engine);
      recordings.set(engine, recorded);
    }
    return recorded;
  };

  test('the sequence is meaningful on native (the reference)', async () => {
    const native = await recording('native');
    const statusOf = (step: string) => native.find((entry) => entry.step === step)?.status;
    assert.deepEqual(
      ['login', 'create', 'bad JSON', 'oversize body (> 1 MiB)', 'unknown route', 'wrong method', 'HEAD on a GET route', 'login locked (429, Retry-After)', 'login while the session store fails'].map(statusOf),
      [200, 200, 400, 413, 404, 405, 200, 429, 503],
    );
    const create = native.find((entry) => entry.step === 'create');
    assert.match(JSON.stringify(create?.body), /^\{"errno":0,"data":\{"id":"<id \d+>"\}\}$/);
    assert.equal(native.find((entry) => entry.step === 'login locked (429, Retry-After)')?.headers['retry-after'], '<seconds within the window>');
    assert.deepEqual(native.find((entry) => entry.step === 'login while the session store fails')?.setCookie, []);
    assert.match(native.find((entry) => entry.step === 'login')?.setCookie[0] ?? '', /=<value>; Max-Age=\d+; Path=\/; Expires=<date>; HttpOnly; SameSite=Lax/);
  });

  test('every engine is in the comparison', () => {
    assert.ok(ENGINE_NAMES.includes('native'));
    assert.ok(ENGINE_NAMES.length >= 3, `only ${ENGINE_NAMES.join(', ')}`);
  });

  for (const engine of ENGINE_NAMES.filter((name) => name !== 'native')) {
    test(`${engine} answers every step as native`, async () => {
      const expected = await recording('native');
      const actual = await recording(engine);
      assert.equal(actual.length, expected.length);
      for (const [index, want] of expected.entries()) assert.deepEqual(actual[index], want, `${engine}, step "${want.step}"`);
    });
  }
});
