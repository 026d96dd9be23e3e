/**
 * like-koa against Koa 3: every scenario runs on both, over real HTTP, and must give the same status,
 * content type, body, headers and order of calls — and the result Koa gives, written out, so that
 * the test fails if both ever go wrong together. Plus `compose` on its own, against the same rules.
 */
import { strict as assert } from 'node:assert';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import Koa from 'koa';
import { compose, LikeKoa } from '../../src/lib/like-koa/index.ts';
import { seen, type Seen, type Sent } from './serve.ts';

/** What a scenario's middleware use of `ctx`: the part both frameworks share. */
interface Ctx {
  body: unknown;
  status: number;
  readonly path: string;
  readonly method: string;
  readonly query: Record<string, unknown>;
  set(name: string, value: string): void;
}
type Middleware = (ctx: Ctx, next: () => Promise<void>) => void | Promise<void>;

interface App {
  use(middleware: Middleware): void;
  /** The app's 'error' event. */
  onError(listener: (error: unknown) => void): void;
  listener(): RequestListener;
}

interface Framework {
  name: string;
  create(): App;
}

const onKoa: Framework = {
  name: 'koa',
  create() {
    const app = new Koa();
    return { use: (middleware) => app.use(middleware), onError: (listener) => app.on('error', listener), listener: () => app.callback() };
  },
};

const onLikeKoa: Framework = {
  name: 'like-koa',
  create() {
    const app = new LikeKoa();
    return { use: (middleware) => app.use(middleware), onError: (listener) => app.on('error', listener), listener: () => app.callback() };
  },
};

interface Scenario {
  name: string;
  build(app: App, calls: string[]): void;
  requests: Sent[];
  /** Headers to compare besides the content type. */
  headers?: string[];
  /** What Koa answers, request by request. */
  expected: Seen[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/** The outermost middleware most scenarios start with: catches whatever comes back out of the onion. */
const catchAll = (calls: string[]): Middleware => async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    calls.push(`caught ${messageOf(error)}`);
    ctx.status = 500;
    ctx.body = { message: messageOf(error) };
  }
};

/** Records its name on the way in and on the way out. */
const layer = (calls: string[], name: string): Middleware => async (_ctx, next) => {
  calls.push(`${name} in`);
  await next();
  calls.push(`${name} out`);
};

const answer = (request: string, status: number, type: string | null, body: unknown, calls: string[], headers: Record<string, string | null> = {}): Seen => ({ request, status, type, body, headers, calls });

const scenarios: Scenario[] = [
  {
    name: 'the onion: in the order added on the way in, the reverse on the way out',
    build(app, calls) {
      app.use(layer(calls, 'a'));
      app.use(layer(calls, 'b'));
      app.use((ctx) => { calls.push('c'); ctx.body = { from: 'c' }; });
      app.use(() => { calls.push('never'); });
    },
    requests: [{ path: '/' }],
    expected: [answer('GET /', 200, JSON_TYPE, { from: 'c' }, ['a in', 'b in', 'c', 'b out', 'a out'])],
  },
  {
    name: 'an outer middleware still changes the answer after the inner ones have set it',
    build(app, calls) {
      app.use(async (ctx, next) => {
        await next();
        calls.push(`outer saw ${JSON.stringify(ctx.body)}`);
        ctx.body = { wrapped: ctx.body };
        ctx.set('X-Wrapped', 'yes');
      });
      app.use((ctx) => { ctx.body = 'inner'; });
    },
    requests: [{ path: '/' }],
    headers: ['x-wrapped'],
    expected: [answer('GET /', 200, JSON_TYPE, { wrapped: 'inner' }, ['outer saw "inner"'], { 'x-wrapped': 'yes' })],
  },
  {
    name: 'the body makes the answer: an object is JSON, a string text, null a 204; a status of its own stays',
    build(app) {
      app.use((ctx) => {
        if (ctx.path === '/json') ctx.body = { x: 1 };
        else if (ctx.path === '/text') ctx.body = 'hello 中文';
        else if (ctx.path === '/null') ctx.body = null;
        else if (ctx.path === '/created') {
          ctx.status = 201;
          ctx.body = { id: 1 };
        } else if (ctx.path === '/status-only') ctx.status = 202;
        else if (ctx.path === '/typed') {
          ctx.set('Content-Type', 'application/rss+xml; charset=utf-8');
          ctx.body = 'feed';
        } else ctx.body = { path: ctx.path, method: ctx.method, query: ctx.query };
      });
    },
    requests: [{ path: '/json' }, { path: '/text' }, { path: '/null' }, { path: '/created' }, { path: '/status-only' }, { path: '/typed' }, { method: 'POST', path: '/q?a=1&b=2&b=3&c=' }],
    expected: [
      answer('GET /json', 200, JSON_TYPE, { x: 1 }, []),
      answer('GET /text', 200, TEXT_TYPE, 'hello 中文', []),
      answer('GET /null', 204, null, '', []),
      answer('GET /created', 201, JSON_TYPE, { id: 1 }, []),
      answer('GET /status-only', 202, TEXT_TYPE, 'Accepted', []),
      answer('GET /typed', 200, 'application/rss+xml; charset=utf-8', 'feed', []),
      answer('POST /q?a=1&b=2&b=3&c=', 200, JSON_TYPE, { path: '/q', method: 'POST', query: { a: '1', b: ['2', '3'], c: '' } }, []),
    ],
  },
  {
    name: 'next() called twice rejects, and the rejection reaches the outermost try/catch',
    build(app, calls) {
      app.use(catchAll(calls));
      app.use(async (_ctx, next) => {
        await next();
        calls.push('first next() done');
        await next();
        calls.push('never');
      });
      app.use((ctx) => { calls.push('inner'); ctx.body = 'inner'; });
    },
    requests: [{ path: '/' }],
    expected: [answer('GET /', 500, JSON_TYPE, { message: 'next() called multiple times' }, ['inner', 'first next() done', 'caught next() called multiple times'])],
  },
  {
    name: 'a throw in a nested middleware travels out past every after-part to the outermost try/catch',
    build(app, calls) {
      app.use(catchAll(calls));
      app.use(layer(calls, 'a'));
      app.use(layer(calls, 'b'));
      app.use(() => { throw new Error('deep'); });
    },
    requests: [{ path: '/' }],
    expected: [answer('GET /', 500, JSON_TYPE, { message: 'deep' }, ['a in', 'b in', 'caught deep'])],
  },
  {
    name: 'a rejected promise does the same',
    build(app, calls) {
      app.use(catchAll(calls));
      app.use(layer(calls, 'a'));
      app.use(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('rejected');
      });
    },
    requests: [{ path: '/' }],
    expected: [answer('GET /', 500, JSON_TYPE, { message: 'rejected' }, ['a in', 'caught rejected'])],
  },
  {
    name: "an error nobody catches: the 'error' event, then the status alone, without the headers set before",
    build(app, calls) {
      app.onError((error) => calls.push(`error event: ${messageOf(error)}`));
      app.use(layer(calls, 'a'));
      app.use((ctx) => {
        ctx.set('X-Before', 'set');
        ctx.body = { never: 'sent' };
        throw ctx.path === '/forbidden' ? Object.assign(new Error('not yours'), { status: 403 }) : new Error('secret detail');
      });
    },
    requests: [{ path: '/' }, { path: '/forbidden' }],
    headers: ['x-before'],
    expected: [
      answer('GET /', 500, TEXT_TYPE, 'Internal Server Error', ['a in', 'error event: secret detail'], { 'x-before': null }),
      answer('GET /forbidden', 403, TEXT_TYPE, 'Forbidden', ['a in', 'error event: not yours'], { 'x-before': null }),
    ],
  },
  {
    name: 'nothing answers: 404 Not Found',
    build(app, calls) {
      app.use(layer(calls, 'a'));
      app.use(async (_ctx, next) => { calls.push('b'); await next(); });
    },
    requests: [{ path: '/nowhere' }, { method: 'POST', path: '/nowhere' }],
    expected: [
      answer('GET /nowhere', 404, TEXT_TYPE, 'Not Found', ['a in', 'b', 'a out']),
      answer('POST /nowhere', 404, TEXT_TYPE, 'Not Found', ['a in', 'b', 'a out']),
    ],
  },
];

async function run(framework: Framework, scenario: Scenario): Promise<Seen[]> {
  const calls: string[] = [];
  const app = framework.create();
  scenario.build(app, calls);
  return seen(app.listener(), scenario.requests, calls, scenario.headers);
}

describe('like-koa against Koa', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const original = await run(onKoa, scenario);
      assert.deepEqual(original, scenario.expected);
      assert.deepEqual(await run(onLikeKoa, scenario), original);
    });
  }
});

describe('compose', () => {
  it('runs the onion and then its own next, innermost', async () => {
    const calls: string[] = [];
    const run = compose<string[]>([
      async (log, next) => { log.push('a in'); await next(); log.push('a out'); },
      async (log, next) => { log.push('b in'); await next(); log.push('b out'); },
    ]);
    await run(calls, async () => { calls.push('last'); });
    assert.deepEqual(calls, ['a in', 'b in', 'last', 'b out', 'a out']);
  });

  it('rejects on a second next(), and with what a middleware throws synchronously', async () => {
    await assert.rejects(compose<null>([async (_ctx, next) => { await next(); await next(); }])(null), { message: 'next() called multiple times' });
    await assert.rejects(compose<null>([() => { throw new Error('sync'); }])(null), { message: 'sync' });
  });
});
