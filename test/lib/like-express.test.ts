/**
 * like-express against Express 5: every scenario runs on both, over real HTTP, and must give the same
 * status, body and order of calls — and the result Express gives, written out, so that the test
 * fails if both ever go wrong together. Express runs with `case sensitive routing` and
 * `strict routing`, the matching like-express does (and the blog's Express engine turns on).
 */
import { strict as assert } from 'node:assert';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import express from 'express';
import { likeExpress } from '../../src/lib/like-express/index.ts';
import { seen, type Seen, type Sent } from './serve.ts';

/** What a scenario's handlers use of a request and a response: the part both frameworks share. */
interface Req {
  path: string;
  query: Record<string, unknown>;
}
interface Res {
  headersSent: boolean;
  status(code: number): Res;
  json(body: unknown): unknown;
}
type Next = (error?: unknown) => void;
type Plain = (req: Req, res: Res, next: Next) => void | Promise<void>;
type OnError = (error: unknown, req: Req, res: Res, next: Next) => void | Promise<void>;

interface App {
  use(handler: Plain): void;
  useAt(path: string, handler: Plain): void;
  useError(handler: OnError): void;
  mount(path: string, app: App): void;
  get(path: string, handler: Plain): void;
  post(path: string, handler: Plain): void;
  readonly listener: RequestListener;
}

interface Framework {
  name: string;
  create(): App;
}

const onExpress: Framework = {
  name: 'express',
  create() {
    const app = express();
    app.enable('case sensitive routing');
    app.enable('strict routing');
    return {
      use: (handler) => app.use(handler),
      useAt: (path, handler) => app.use(path, handler),
      useError: (handler) => app.use(handler),
      mount: (path, sub) => app.use(path, sub.listener),
      get: (path, handler) => app.get(path, handler),
      post: (path, handler) => app.post(path, handler),
      listener: app,
    };
  },
};

const onLikeExpress: Framework = {
  name: 'like-express',
  create() {
    const app = likeExpress();
    return {
      use: (handler) => app.use(handler),
      useAt: (path, handler) => app.use(path, handler),
      useError: (handler) => app.use(handler),
      mount: (path, sub) => app.use(path, sub.listener),
      get: (path, handler) => app.get(path, handler),
      post: (path, handler) => app.post(path, handler),
      listener: app,
    };
  },
};

interface Scenario {
  name: string;
  build(app: App, calls: string[], create: () => App): void;
  requests: Sent[];
  /** What Express answers, request by request. */
  expected: Omit<Seen, 'type' | 'headers'>[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The error middleware most scenarios end with: records the error and answers it. */
const renderError = (calls: string[]): OnError => (error, req, res, _next) => {
  calls.push(`error ${messageOf(error)} at ${req.path}`);
  if (!res.headersSent) res.status(500).json({ message: messageOf(error) });
};

const scenarios: Scenario[] = [
  {
    name: 'middleware and routes run in the order they were added, each next() resuming after its caller',
    build(app, calls) {
      app.use((_req, _res, next) => { calls.push('a'); next(); });
      app.post('/x', (_req, res) => { calls.push('post /x'); res.json({ from: 'post' }); });
      app.get('/x', (_req, _res, next) => { calls.push('get /x'); next(); });
      app.use((_req, res) => { calls.push('b'); res.json({ from: 'b' }); });
      app.use(() => { calls.push('never'); });
    },
    requests: [{ path: '/x' }, { method: 'POST', path: '/x' }, { path: '/y' }, { method: 'HEAD', path: '/x' }],
    expected: [
      { request: 'GET /x', status: 200, body: { from: 'b' }, calls: ['a', 'get /x', 'b'] },
      { request: 'POST /x', status: 200, body: { from: 'post' }, calls: ['a', 'post /x'] },
      { request: 'GET /y', status: 200, body: { from: 'b' }, calls: ['a', 'b'] },
      // `get` answers HEAD too; the body is left out.
      { request: 'HEAD /x', status: 200, body: '', calls: ['a', 'get /x', 'b'] },
    ],
  },
  {
    name: 'use(path) takes the path and the paths below it, not a longer name, and sees the part below',
    build(app, calls) {
      app.useAt('/api', (req, _res, next) => { calls.push(`api sees ${req.path}`); next(); });
      app.useAt('/api/', (req, _res, next) => { calls.push(`api/ sees ${req.path}`); next(); });
      app.use((req, res) => { res.json({ path: req.path }); });
    },
    requests: [{ path: '/api/blog/list' }, { path: '/api' }, { path: '/api/' }, { path: '/apix' }, { path: '/API/blog' }],
    expected: [
      { request: 'GET /api/blog/list', status: 200, body: { path: '/api/blog/list' }, calls: ['api sees /blog/list', 'api/ sees /blog/list'] },
      { request: 'GET /api', status: 200, body: { path: '/api' }, calls: ['api sees /', 'api/ sees /'] },
      { request: 'GET /api/', status: 200, body: { path: '/api/' }, calls: ['api sees /', 'api/ sees /'] },
      { request: 'GET /apix', status: 200, body: { path: '/apix' }, calls: [] },
      { request: 'GET /API/blog', status: 200, body: { path: '/API/blog' }, calls: [] },
    ],
  },
  {
    name: 'req.path and req.query',
    build(app) {
      app.get('/q', (req, res) => { res.json({ path: req.path, query: req.query }); });
    },
    requests: [{ path: '/q?a=1&b=2&b=3&c=&d=%E4%B8%AD' }, { path: '/q' }],
    expected: [
      { request: 'GET /q?a=1&b=2&b=3&c=&d=%E4%B8%AD', status: 200, body: { path: '/q', query: { a: '1', b: ['2', '3'], c: '', d: '中' } }, calls: [] },
      { request: 'GET /q', status: 200, body: { path: '/q', query: {} }, calls: [] },
    ],
  },
  {
    name: 'next(error) skips plain middleware and routes to the next error middleware, which may pass it on',
    build(app, calls) {
      app.use((_req, _res, next) => { calls.push('a'); next(new Error('boom')); });
      app.use((_req, _res, next) => { calls.push('skipped'); next(); });
      app.get('/x', () => { calls.push('skipped route'); });
      app.useError((error, _req, _res, next) => { calls.push(`first error middleware: ${messageOf(error)}`); next(error); });
      app.useError(renderError(calls));
    },
    requests: [{ path: '/x' }],
    expected: [{ request: 'GET /x', status: 500, body: { message: 'boom' }, calls: ['a', 'first error middleware: boom', 'error boom at /x'] }],
  },
  {
    name: 'an error middleware that calls next() without the error resumes the plain middleware after it',
    build(app, calls) {
      app.use((_req, _res, next) => { next(new Error('handled')); });
      app.useError((error, _req, _res, next) => { calls.push(`recovered from ${messageOf(error)}`); next(); });
      app.use((_req, res) => { calls.push('b'); res.json({ recovered: true }); });
    },
    requests: [{ path: '/x' }],
    expected: [{ request: 'GET /x', status: 200, body: { recovered: true }, calls: ['recovered from handled', 'b'] }],
  },
  {
    name: 'a thrown error reaches the error middleware',
    build(app, calls) {
      app.get('/x', () => { throw new Error('thrown'); });
      app.use(() => { calls.push('skipped'); });
      app.useError(renderError(calls));
    },
    requests: [{ path: '/x' }],
    expected: [{ request: 'GET /x', status: 500, body: { message: 'thrown' }, calls: ['error thrown at /x'] }],
  },
  {
    name: 'a rejected promise reaches the error middleware, a rejection without a reason too',
    build(app, calls) {
      app.get('/x', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('rejected');
      });
      // A rejection without a reason still reaches the error middleware, as an Error of its own.
      app.get('/nothing', () => Promise.reject());
      app.useError(renderError(calls));
    },
    requests: [{ path: '/x' }, { path: '/nothing' }],
    expected: [
      { request: 'GET /x', status: 500, body: { message: 'rejected' }, calls: ['error rejected at /x'] },
      { request: 'GET /nothing', status: 500, body: { message: 'Rejected promise' }, calls: ['error Rejected promise at /nothing'] },
    ],
  },
  {
    name: 'a throw in a mounted app reaches the outer error middleware; what the mounted app leaves goes on outside',
    build(app, calls, create) {
      const inner = create();
      inner.use((req, _res, next) => { calls.push(`inner sees ${req.path}`); next(); });
      inner.get('/deep', () => { throw new Error('deep'); });
      app.mount('/api', inner);
      app.use((req, res) => { calls.push(`outer sees ${req.path}`); res.json({ outer: true }); });
      app.useError(renderError(calls));
    },
    requests: [{ path: '/api/deep' }, { path: '/api/other' }],
    expected: [
      { request: 'GET /api/deep', status: 500, body: { message: 'deep' }, calls: ['inner sees /deep', 'error deep at /api/deep'] },
      { request: 'GET /api/other', status: 200, body: { outer: true }, calls: ['inner sees /other', 'outer sees /api/other'] },
    ],
  },
  {
    name: 'nothing answers: a 404 naming the method and path',
    build(app, calls) {
      app.use((_req, _res, next) => { calls.push('a'); next(); });
      app.get('/x', (_req, res) => { res.json({}); });
    },
    requests: [{ path: '/nowhere' }, { method: 'POST', path: '/x' }],
    expected: [
      { request: 'GET /nowhere', status: 404, body: 'Cannot GET /nowhere', calls: ['a'] },
      { request: 'POST /x', status: 404, body: 'Cannot POST /x', calls: ['a'] },
    ],
  },
];

/** A Seen without its content type (Express's 404 is an HTML page, like-express's text), JSON or not kept. */
async function run(framework: Framework, build: Scenario['build'], requests: Sent[]) {
  const calls: string[] = [];
  const app = framework.create();
  build(app, calls, () => framework.create());
  const answers = await seen(app.listener, requests, calls);
  return answers.map(({ type, headers: _headers, ...rest }) => ({ ...rest, json: type?.startsWith('application/json') ?? false }));
}

describe('like-express against Express', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const original = await run(onExpress, scenario.build, scenario.requests);
      const copy = await run(onLikeExpress, scenario.build, scenario.requests);
      assert.deepEqual(original.map(({ json: _json, ...rest }) => rest), scenario.expected);
      assert.deepEqual(copy, original);
    });
  }

  it('next() called twice: the same answer as Express, and like-express reports the misuse where Express walks on', async () => {
    const build: Scenario['build'] = (app, calls) => {
      app.use((_req, _res, next) => { calls.push('a'); next(); next(); });
      app.use((_req, _res, next) => { calls.push('b'); next(); });
      app.use((_req, res) => { calls.push('c'); res.json({ answered: 'c' }); });
      app.useError(renderError(calls));
    };
    const original = await run(onExpress, build, [{ path: '/x' }]);
    const copy = await run(onLikeExpress, build, [{ path: '/x' }]);
    const answer = { request: 'GET /x', status: 200, body: { answered: 'c' }, json: true };
    assert.deepEqual(original, [{ ...answer, calls: ['a', 'b', 'c'] }]);
    assert.deepEqual(copy, [{ ...answer, calls: ['a', 'b', 'c', 'error next() called multiple times at /x'] }]);
  });

  it('the second next() throws to its caller', async () => {
    let thrown: unknown;
    const app = likeExpress();
    app.use((_req, _res, next) => {
      next();
      try {
        next();
      } catch (error) {
        thrown = error;
      }
    });
    app.use((_req, res) => res.json({}));
    const [answer] = await seen(app, [{ path: '/' }], []);
    assert.equal(answer?.status, 200);
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.message, 'next() called multiple times');
  });

  it('an error no middleware handles is a bare 500: the message is logged, never sent', async (t) => {
    const logged: unknown[] = [];
    t.mock.method(console, 'error', (error: unknown) => logged.push(error));
    const app = likeExpress();
    app.get('/x', () => { throw new Error('secret detail'); });
    const [answer] = await seen(app, [{ path: '/x' }], []);
    assert.deepEqual({ status: answer?.status, body: answer?.body }, { status: 500, body: 'Internal Server Error' });
    assert.equal(messageOf(logged[0]), 'secret detail');
  });
});
