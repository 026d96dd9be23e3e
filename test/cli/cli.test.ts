import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { cliEntry, runCli } from '../helpers/cli.ts';

const directory = mkdtempSync(join(tmpdir(), 'blog-server-cli-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let databases = 0;
const freshDatabase = () => join(directory, `blog-${(databases += 1)}.db`);

/** Starts `blog-server serve` and resolves once it prints its URL. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, [cliEntry, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, ACCESS_LOG: 'off', ...env },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

const exited = (child: ChildProcessWithoutNullStreams) => new Promise<number | null>((resolve) => child.once('exit', resolve));

describe('blog-server command', () => {
  it('runs as `npx blog-server` in the project root', async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('npx', ['--no-install', 'blog-server', '--help'], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: blog-server <command>/);
  });

  it('prints help, and exits 2 on an unknown command or option', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: blog-server <command>/);
    for (const command of ['serve', 'migrate', 'user', 'demo']) {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0, command);
      assert.match(result.stdout, new RegExp(`Usage: blog-server ${command}`));
    }
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const option = await runCli(['serve', '--colour']);
    assert.equal(option.code, 1);
    assert.match(option.stderr, /Unknown option '--colour'/);
  });

  it('lists every command in its help, and gives each command\'s help with its defaults', async () => {
    const help = await runCli(['help']);
    assert.equal(help.code, 0);
    for (const line of ['serve ', 'migrate ', 'user add <username> ', 'user passwd <username> ', 'demo ', 'help [command] ']) assert.match(help.stdout, new RegExp(`^  ${line.replace(/[[\]]/g, '\\$&')}`, 'm'));
    assert.equal((await runCli(['--help'])).stdout, help.stdout);

    const serve = await runCli(['help', 'serve']);
    assert.equal(serve.code, 0);
    assert.equal(serve.stdout, (await runCli(['serve', '--help'])).stdout);
    assert.match(serve.stdout, /--engine <name> +HTTP engine \(ENGINE: native, express, koa, like-express or like-koa\), default native$/m);
    assert.match(serve.stdout, /-p, --port <n> +.*\(PORT: whole number 0 – 65 535\), default 8000$/m);
    assert.match(serve.stdout, /--host <address> +.*\(HOST\), default 0\.0\.0\.0$/m);
    assert.match(serve.stdout, /--database <url> +.*\(DATABASE_URL\), default \.\/data\/blog\.db$/m);
    assert.match((await runCli(['user', '--help'])).stdout, /--realname <name>/);
    assert.match((await runCli(['help', '--help'])).stdout, /Usage: blog-server help \[command\]/);

    const unknown = await runCli(['help', 'frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const wrongUse = await runCli(['user', 'remove', 'alice']);
    assert.equal(wrongUse.code, 2);
    assert.match(wrongUse.stderr, /^Usage: blog-server user add <username>/);
    const foreignOption = await runCli(['migrate', '--port', '1']);
    assert.equal(foreignOption.code, 1);
    assert.match(foreignOption.stderr, /Unknown option '--port'[\s\S]*Usage: blog-server migrate/);
  });

  it('takes options before the command too', async () => {
    const database = freshDatabase();
    const result = await runCli(['--database', database, 'migrate']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /applied .*001-course-tables/);
    assert.ok(existsSync(database));
  });

  it('refuses a misspelt ENGINE before it opens anything', async () => {
    for (const command of ['migrate', 'serve']) {
      const cwd = mkdtempSync(join(directory, 'engine-'));
      const database = join(cwd, 'blog.db');
      const result = await runCli([command], { cwd, env: { ENGINE: 'expres', DATABASE_URL: database, SESSION_STORE: 'sqlite' } });
      assert.equal(result.code, 1, command);
      assert.match(result.stderr, /configuration error, ENGINE: unknown engine "expres" \(choose native, express, koa, like-express, like-koa\)/, command);
      assert.deepEqual(readdirSync(cwd), [], `${command} created nothing`);
      assert.ok(!existsSync(database));
    }
  });

  it('adds a user with the password from stdin, changes it, and refuses bad input', async () => {
    const database = freshDatabase();
    const env = { DATABASE_URL: database };
    const added = await runCli(['user', 'add', 'alice', '--realname', '爱丽丝'], { env, input: 'correct horse\n' });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created user alice/);
    assert.doesNotMatch(added.stdout + added.stderr, /correct horse/);

    const duplicate = await runCli(['user', 'add', 'alice'], { env, input: 'another password\n' });
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /用户名已存在: alice/);
    const weak = await runCli(['user', 'add', 'bob'], { env, input: '123\n' });
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /密码长度不合法/);
    const badName = await runCli(['user', 'add', 'a b'], { env, input: 'long enough\n' });
    assert.match(badName.stderr, /用户名不合法/);
    const changed = await runCli(['user', 'passwd', 'alice'], { env, input: 'battery staple\n' });
    assert.equal(changed.code, 0, changed.stderr);
    const missing = await runCli(['user', 'passwd', 'nobody'], { env, input: 'battery staple\n' });
    assert.match(missing.stderr, /用户不存在/);

    const server = await serve({ ...env, DEMO_DATA: 'false' });
    try {
      const client = new Client(server.url);
      assertEnvelope(await client.post('/api/user/login', { username: 'alice', password: 'correct horse' }), 200, -1, 'LOGIN_FAILED', '登录失败');
      await client.login('alice', 'battery staple');
      assert.deepEqual(assertEnvelope(await client.get('/api/user/info'), 200, 0).data, { username: 'alice', realname: '爱丽丝' });
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  it('creates the demo data once, and never in production', async () => {
    const env = { DATABASE_URL: freshDatabase() };
    const first = await runCli(['demo'], { env });
    assert.match(first.stdout, /created demo users zhangsan, lisi and 3 posts/);
    const second = await runCli(['demo'], { env });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /already exist/);
    const production = await runCli(['demo'], { env: { ...env, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) } });
    assert.equal(production.code, 2);
    assert.match(production.stderr, /refused with NODE_ENV=production/);
  });

  it('stops with a message naming the variable of a bad configuration', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'abc' }, /configuration error, PORT: expected a whole number/],
      [{ DATABASE_URL: 'oracle://scott:tiger@db/orcl' }, /DATABASE_URL: unsupported scheme "oracle:" in oracle:\/\/scott:\*\*\*@db\/orcl/],
      [{ NODE_ENV: 'production' }, /SESSION_SECRET: NODE_ENV=production needs a secret/],
      [{ ENGINE: 'fastify' }, /ENGINE: unknown engine "fastify"/],
    ];
    for (const [env, message] of cases) {
      const result = await runCli(['serve'], { env: { DATABASE_URL: freshDatabase(), ...env } });
      assert.equal(result.code, 1, JSON.stringify(env));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /tiger/);
    }
  });

  it('says when it creates demo data on an empty database, and that NODE_ENV=production does not', async () => {
    const database = freshDatabase();
    const development = await serve({ DATABASE_URL: database, NODE_ENV: 'development' });
    assert.match(development.output(), /empty database, created demo users zhangsan, lisi \(password 123\)/);
    development.child.kill('SIGINT');
    assert.equal(await exited(development.child), 0);

    const production = await serve({ DATABASE_URL: freshDatabase(), NODE_ENV: 'production', SESSION_SECRET: 'p'.repeat(40), LOG_DIR: join(directory, 'logs') });
    try {
      assert.doesNotMatch(production.output(), /demo/);
      assertEnvelope(await new Client(production.url).post('/api/user/login', { username: 'zhangsan', password: '123' }), 200, -1, 'LOGIN_FAILED', '登录失败');
    } finally {
      production.child.kill('SIGTERM');
      await exited(production.child);
    }
  });

  it('finishes an in-flight write on SIGTERM before it exits, and loses nothing', async () => {
    const database = freshDatabase();
    const first = await serve({ DATABASE_URL: database, NODE_ENV: 'development' });
    const client = new Client(first.url);
    await client.login('zhangsan');
    const body = JSON.stringify({ title: '关机时写入', content: 'x'.repeat(20_000) });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const pending = request(`${first.url}/api/blog/new`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: client.cookie ?? '' },
      }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      pending.on('error', reject);
      // Half the body now, the rest after the signal: the request is in flight during shutdown.
      pending.write(body.slice(0, 10_000));
      setTimeout(() => {
        first.child.kill('SIGTERM');
        setTimeout(() => pending.end(body.slice(10_000)), 300);
      }, 200);
    });
    const reply = await answer;
    assert.equal(reply.status, 200, reply.text);
    const { id } = (JSON.parse(reply.text) as { data: { id: number } }).data;
    assert.equal(await exited(first.child), 0);
    assert.match(first.output(), /SIGTERM, finishing in-flight requests/);

    const second = await serve({ DATABASE_URL: database, NODE_ENV: 'development' });
    try {
      const blog = assertEnvelope(await new Client(second.url).get(`/api/blog/detail?id=${id}`), 200, 0).data as { title: string; content: string };
      assert.equal(blog.title, '关机时写入');
      assert.equal(blog.content.length, 20_000);
      // The session made before the restart still works (SQLite session store).
      client.baseUrl = second.url;
      assertEnvelope(await client.get('/api/user/info'), 200, 0);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
