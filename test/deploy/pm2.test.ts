/**
 * blog-server as the deployment runs it: `npm run prd` (PM2 7, deploy/ecosystem.config.cjs) with two
 * cluster workers on SQLite, then on MariaDB + Redis. Both workers answer; a session and the
 * failed-login count are shared by them; a worker killed with SIGKILL is replaced while retried GETs
 * go on succeeding; `npm run prd:reload` under a steady stream of reads and writes fails none of
 * them and replaces every pid; `npm run prd:stop` stops them. Memory sessions are refused in the
 * cluster. Run `npm run build` first: PM2 runs dist/cli/main.js.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { createMariadbDatabase, createRedisPrefix, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { createPm2, freePort, freshRequest, marker, type FreshReply, type Pm2, type Pm2Worker } from '../helpers/pm2.ts';

const password = 'pm2-test-password';

interface Backend {
  /** Variables for the app (and `blog-server user add`) besides the port and the log folder. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

function envelopeOf(reply: FreshReply): { errno: number; code?: string; data?: unknown } {
  assert.match(String(reply.headers['content-type']), /^application\/json/, `not JSON: ${reply.status} ${reply.body}`);
  return JSON.parse(reply.body) as { errno: number; code?: string; data?: unknown };
}

function assertOk(reply: FreshReply, what: string): void {
  assert.equal(reply.status, 200, `${what}: ${reply.status} ${reply.body}`);
  assert.equal(envelopeOf(reply).errno, 0, `${what}: ${reply.body}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests sent in a loop until stopped; every failure is kept with its time, `what` sent it, and its reason. */
function steadyStream(what: string, send: (index: number) => Promise<void>) {
  let stopped = false;
  const sent: number[] = [];
  const failures: string[] = [];
  const done = (async () => {
    for (let index = 0; !stopped; index += 1) {
      try {
        await send(index);
      } catch (error) {
        failures.push(`${new Date().toISOString()} ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
      sent.push(Date.now());
    }
  })();
  return {
    sent,
    failures,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

function runScenario(name: string, skip: string | undefined, openBackend: () => Promise<Backend>): void {
  describe(`PM2 cluster of 2 on ${name}`, { skip }, () => {
    let backend: Backend | undefined;
    let pm2: Pm2;
    let base: string;
    const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-pm2-'));
    const logDir = join(dataDir, 'logs');

    before(async () => {
      backend = await openBackend();
      for (const username of ['zhangsan', 'lisi']) {
        const added = await runCli(['user', 'add', username], { env: { ...backend.env, DEMO_DATA: 'false' }, input: `${password}\n` });
        assert.equal(added.code, 0, added.stderr);
      }
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      pm2 = createPm2({ ...backend.env, PORT: String(port), HOST: '127.0.0.1', PM2_INSTANCES: '2', SESSION_SECRET: randomBytes(32).toString('hex'), ACCESS_LOG: 'dev' }, logDir);
    });
    after(async () => {
      await pm2?.kill();
      await backend?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    let workers: Pm2Worker[] = [];

    it('npm run prd starts two workers, and both answer', async () => {
      const started = await pm2.npm('prd');
      assert.equal(started.code, 0, started.stderr);
      workers = await pm2.waitForWorkers(2, 'two workers online');
      assert.equal(new Set(workers.map((worker) => worker.pid)).size, 2);
      const answered = new Set<number>();
      for (let attempt = 0; attempt < 20 && answered.size < 2; attempt += 1) {
        const probe = marker();
        assertOk(await freshRequest(`${base}/api/blog/list?${probe}`), 'list');
        answered.add(await pm2.workerThatLogged(probe));
      }
      assert.deepEqual([...answered].sort(), workers.map((worker) => worker.id), `pids ${workers.map((worker) => worker.pid).join(' and ')} both answer`);
      // Each worker said it listens in production, through the ecosystem's settings.
      for (const worker of workers) assert.match(readFileSync(join(logDir, `pm2-out-${worker.id}.log`), 'utf8'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}blog-server: listening on .*production\)$/m);
    });

    it('keeps a session made through one worker valid through the other', async () => {
      const probe = marker();
      const login = await freshRequest(`${base}/api/user/login?${probe}`, { method: 'POST', json: { username: 'zhangsan', password } });
      assertOk(login, 'login');
      const cookie = login.setCookie;
      assert.ok(cookie);
      const loggedInOn = await pm2.workerThatLogged(probe);
      let other = false;
      for (let attempt = 0; attempt < 20 && !other; attempt += 1) {
        const infoProbe = marker();
        const info = await freshRequest(`${base}/api/user/info?${infoProbe}`, { cookie });
        assertOk(info, 'info with the session');
        other = (await pm2.workerThatLogged(infoProbe)) !== loggedInOn;
      }
      assert.ok(other, 'the other worker answered with the session');
    });

    it('locks a user after 10 failed logins spread over both workers (429)', async () => {
      const failedOn = new Set<number>();
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const probe = marker();
        const failed = await freshRequest(`${base}/api/user/login?${probe}`, { method: 'POST', json: { username: 'lisi', password: 'wrong guess' } });
        assert.equal(failed.status, 200, failed.body);
        assert.equal(envelopeOf(failed).code, 'LOGIN_FAILED');
        failedOn.add(await pm2.workerThatLogged(probe));
      }
      assert.equal(failedOn.size, 2, 'the failures reached both workers');
      // Counted per worker, each would have seen about five and let the right password in.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const locked = await freshRequest(`${base}/api/user/login`, { method: 'POST', json: { username: 'lisi', password } });
        assert.equal(locked.status, 429, locked.body);
        assert.equal(envelopeOf(locked).code, 'TOO_MANY_LOGIN_ATTEMPTS');
      }
    });

    it('restarts a worker killed with SIGKILL, while a client retrying idempotent GETs sees no failure', async () => {
      const [victim] = workers;
      assert.ok(victim);
      let retries = 0;
      const stream = steadyStream('GET list', async () => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            return assertOk(await freshRequest(`${base}/api/blog/list`), 'list');
          } catch (error) {
            if (attempt === 5) throw error;
            retries += 1;
            await pause(100);
          }
        }
      });
      try {
        await eventually(() => stream.sent.length >= 3, 10_000, 'the stream is running');
        process.kill(victim.pid, 'SIGKILL');
        workers = await pm2.waitForWorkers(2, `worker ${victim.id} replaced`, (now) => now.some((worker) => worker.id === victim.id && worker.pid !== victim.pid && worker.restarts > victim.restarts));
        // The new process answers its share.
        let replacementAnswered = false;
        for (let attempt = 0; attempt < 20 && !replacementAnswered; attempt += 1) {
          const probe = marker();
          assertOk(await freshRequest(`${base}/api/blog/list?${probe}`), 'list');
          replacementAnswered = (await pm2.workerThatLogged(probe)) === victim.id;
        }
        assert.ok(replacementAnswered, 'the replacement worker answers');
      } finally {
        await stream.stop();
      }
      assert.deepEqual(stream.failures, [], `after ${stream.sent.length} GETs (${retries} retried)`);
    });

    it('npm run prd:reload under a steady stream of GETs and logged-in POSTs: no request fails, every pid changes', async () => {
      const login = await freshRequest(`${base}/api/user/login`, { method: 'POST', json: { username: 'zhangsan', password } });
      assertOk(login, 'login');
      const cookie = login.setCookie;
      const title = `reload-${randomBytes(4).toString('hex')}`;
      let created = 0;
      // Clients on new connections and on kept-alive ones (as nginx with `keepalive` upstreams).
      const keptAlive = new Agent({ keepAlive: true, maxSockets: 2 });
      const streams = [undefined, keptAlive].flatMap((agent) => {
        const how = agent ? 'kept-alive' : 'new connection';
        return [
          steadyStream(`GET list (${how})`, async () => assertOk(await freshRequest(`${base}/api/blog/list?pageSize=5`, { agent }), `GET list (${how})`)),
          steadyStream(`POST new (${how})`, async (index) => {
            assertOk(await freshRequest(`${base}/api/blog/new`, { method: 'POST', json: { title: `${title} ${how} ${index}`, content: 'written during a reload' }, cookie, agent }), `POST new (${how})`);
            created += 1;
          }),
        ];
      });
      const sent = () => streams.map((stream) => stream.sent.length);
      const before = workers;
      let during: number[] | undefined;
      try {
        await eventually(() => sent().every((count) => count >= 3), 10_000, 'the streams are running');
        const sentBefore = sent();
        const reloaded = await pm2.npm('prd:reload');
        assert.equal(reloaded.code, 0, reloaded.stderr);
        during = sent().map((count, index) => count - sentBefore[index]!);
        const sentAfter = sent();
        await eventually(() => sent().every((count, index) => count >= sentAfter[index]! + 3), 10_000, 'requests after the reload');
      } finally {
        await Promise.all(streams.map((stream) => stream.stop()));
        keptAlive.destroy();
      }
      assert.deepEqual(streams.flatMap((stream) => stream.failures), [], `requests sent by each stream: ${sent().join(', ')}`);
      assert.ok(during?.every((count) => count > 0), `every stream went on through the reload (${during?.join(', ')})`);
      workers = await pm2.waitForWorkers(2, 'the reloaded workers');
      const oldPids = new Set(before.map((worker) => worker.pid));
      assert.ok(workers.every((worker) => !oldPids.has(worker.pid)), `new pids ${workers.map((worker) => worker.pid).join(', ')} after ${[...oldPids].join(', ')}`);
      // Every acknowledged write is there.
      const list = await freshRequest(`${base}/api/blog/list?author=zhangsan&keyword=${title}&pageSize=1`);
      assertOk(list, 'list of the writes');
      assert.equal(Number(list.headers['x-total-count']), created);
    });

    it('npm run prd:stop stops every worker', async () => {
      const stopped = await pm2.npm('prd:stop');
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.deepEqual(await pm2.workers(), []);
      await assert.rejects(freshRequest(`${base}/api/blog/list`), /ECONNREFUSED/);
      // Each worker drained on PM2's SIGINT and exited by itself, before kill_timeout.
      for (const name of readdirSync(logDir).filter((file) => /^pm2-out-\d+\.log$/.test(file))) {
        assert.match(readFileSync(join(logDir, name), 'utf8'), /blog-server: SIGINT, finishing in-flight requests/);
      }
    });
  });
}

runScenario('SQLite', undefined, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-pm2-sqlite-'));
  return {
    env: { DATABASE_URL: join(dataDir, 'blog.db') },
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

const networkSkip = skipUnless(['mariadb', 'redis'], 'PM2 cluster on MariaDB + Redis');
runScenario('MariaDB + Redis', networkSkip, async () => {
  const opened: TestResource[] = [];
  try {
    opened.push(await createMariadbDatabase('utf8mb4'));
    opened.push(await createRedisPrefix());
  } catch (error) {
    await Promise.allSettled(opened.map((resource) => resource.drop()));
    throw error;
  }
  const [database, redis] = opened as [TestResource, TestResource];
  return {
    env: { DATABASE_URL: database.url, REDIS_URL: redis.url },
    drop: async () => {
      await Promise.allSettled([database.drop(), redis.drop()]);
    },
  };
});

describe('PM2 cluster with SESSION_STORE=memory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-pm2-memory-'));
  let pm2: Pm2 | undefined;
  after(async () => {
    await pm2?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is refused: each worker exits with a configuration error naming SESSION_STORE, and none serves', async () => {
    const port = await freePort();
    const logDir = join(dataDir, 'logs');
    pm2 = createPm2({ DATABASE_URL: join(dataDir, 'blog.db'), SESSION_STORE: 'memory', PORT: String(port), HOST: '127.0.0.1', PM2_INSTANCES: '2', SESSION_SECRET: randomBytes(32).toString('hex') }, logDir);
    const started = await pm2.npm('prd');
    assert.equal(started.code, 0, started.stderr);
    const errorLog = (id: number) => {
      const file = join(logDir, `pm2-error-${id}.log`);
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    };
    await eventually(() => [0, 1].every((id) => /blog-server: configuration error, SESSION_STORE: memory .* PM2 process \d of 2 \(cluster mode\)/.test(errorLog(id))), 20_000, 'both workers refuse memory sessions');
    await assert.rejects(freshRequest(`http://127.0.0.1:${port}/api/blog/list`), /ECONNREFUSED/);
  });
});
