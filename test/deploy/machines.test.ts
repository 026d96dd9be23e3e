// Several machines: two `blog-server serve` processes, each with its own port, working directory
// and logs (two "machines"), on one MariaDB database and one Redis prefix, behind one nginx with two
// --upstream lines. They start together on the empty database (the migrations' lock), and then
// share what must be shared: sessions, login limits and writes.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { createMariadbDatabase, createRedisPrefix, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { send, sessionCookieOf, startNginx, type Answer, type RunningNginx, type SendOptions } from '../helpers/nginx.ts';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const client = '127.0.0.2';
const password = 'correct horse battery';

const skip = skipUnless(['mariadb', 'redis'], 'two blog-server machines behind one nginx');

describe('two blog-server machines on one MariaDB and one Redis, behind one nginx', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'blog-machines-'));
  let database: TestResource;
  let redis: TestResource;
  let env: Record<string, string>;
  const machines: { process: ServeProcess; dir: string }[] = [];
  let nginx: RunningNginx;

  before(async () => {
    database = await createMariadbDatabase('utf8mb4');
    redis = await createRedisPrefix();
    env = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      SESSION_SECRET: 'the-same-secret-on-every-machine-0123456789',
      TRUST_PROXY: 'true',
      ACCESS_LOG: 'combined',
    };
    const dirs = ['machine-a', 'machine-b'].map((name) => join(root, name));
    for (const dir of dirs) mkdirSync(dir);
    // Both at once on the empty database: one runs the migrations, the other waits for its lock.
    const started = await Promise.allSettled(dirs.map((dir) => startServeProcess({ cwd: dir, env: { ...env, LOG_DIR: join(dir, 'logs') } })));
    started.forEach((result, index) => {
      if (result.status === 'fulfilled') machines.push({ process: result.value, dir: dirs[index]! });
    });
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (const username of ['alice', 'bob']) {
      const added = await runCli(['user', 'add', username], { env, input: `${password}\n`, cwd: root });
      assert.equal(added.code, 0, added.stderr);
    }
    nginx = await startNginx(machines.flatMap((machine) => ['--upstream', new URL(machine.process.url).host]), { TRUST_PROXY: 'true' });
  });

  after(async () => {
    await nginx?.stop();
    for (const machine of machines) await machine.process.stop();
    await database?.drop();
    await redis?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  const viaNginx = (path: string, options: SendOptions = {}): Promise<Answer> => send(nginx.url + path, { localAddress: client, ...options });
  const json = (body: unknown): SendOptions => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const withCookie = (cookie: string, options: SendOptions = {}): SendOptions => ({ ...options, headers: { ...options.headers, cookie } });
  const accessLogOf = (machine: { dir: string }): string => {
    try {
      return readFileSync(join(machine.dir, 'logs', 'access.log'), 'utf8');
    } catch {
      return '';
    }
  };
  /** How many lines of each machine's access log match. */
  const countsOf = (pattern: RegExp): number[] => machines.map((machine) => accessLogOf(machine).split('\n').filter((line) => pattern.test(line)).length);

  it('a session made on one machine is valid on the other, and through nginx', async () => {
    const [a, b] = machines;
    const login = await send(`${a!.process.url}/api/user/login`, json({ username: 'alice', password }));
    assert.equal(JSON.parse(login.text).errno, 0, login.text);
    const cookie = sessionCookieOf(login);
    assert.ok(cookie, 'machine A set a session cookie');
    const onB = await send(`${b!.process.url}/api/user/info`, withCookie(cookie));
    assert.deepEqual(JSON.parse(onB.text), { errno: 0, data: { username: 'alice', realname: 'alice' } }, 'machine B knows the session');

    for (let request = 0; request < 6; request += 1) {
      const answer = await viaNginx(`/api/user/info?through=${request}`, withCookie(cookie));
      assert.equal(JSON.parse(answer.text).errno, 0, `request ${request + 1} through nginx is logged in`);
    }
    await eventually(() => countsOf(/GET \/api\/user\/info\?through=/).every((count) => count > 0), 5_000, 'both machines answered some of the six');
  });

  it('a write on one machine is read on the other', async () => {
    const [a, b] = machines;
    const login = await send(`${a!.process.url}/api/user/login`, json({ username: 'alice', password }));
    const cookie = sessionCookieOf(login)!;
    const created = await send(`${a!.process.url}/api/blog/new`, withCookie(cookie, json({ title: '两台机器', content: 'written on A' })));
    const id = (JSON.parse(created.text) as { data: { id: number } }).data.id;
    assert.ok(id > 0, created.text);
    const read = await send(`${b!.process.url}/api/blog/detail?id=${id}`);
    const detail = JSON.parse(read.text) as { errno: number; data: { title: string; content: string; author: string } };
    assert.equal(detail.errno, 0, read.text);
    assert.deepEqual([detail.data.title, detail.data.content, detail.data.author], ['两台机器', 'written on A', 'alice']);
  });

  it('ten failed logins spread over both machines lock the user (429)', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const answer = await viaNginx('/api/user/login', json({ username: 'bob', password: 'wrong password' }));
      assert.equal(answer.status, 200, `failure ${attempt + 1}: ${answer.text}`);
      assert.equal(JSON.parse(answer.text).errno, -1);
    }
    await eventually(() => countsOf(/POST \/api\/user\/login/).every((count) => count > 0), 5_000, 'both machines counted some of the failures');
    const locked = await viaNginx('/api/user/login', json({ username: 'bob', password }));
    assert.equal(locked.status, 429, 'the right password is refused after ten failures on either machine');
    assert.ok(Number(locked.headers['retry-after']) > 0);
    const direct = await Promise.all(machines.map((machine) => send(`${machine.process.url}/api/user/login`, { ...json({ username: 'bob', password }), localAddress: client })));
    assert.deepEqual(direct.map((answer) => answer.status), [429, 429], 'each machine refuses it too');
  });
});
