/**
 * `blog-server contract-test`: against blog-server on every engine every check passes (exit 0);
 * against a course server written here with three deliberate faults — string-built SQL, no owner
 * check, no XSS filter — it reports exactly the checks those faults break (exit 1), and the
 * blog-server-only checks as not applicable; `--json` parses; `--read-only` writes nothing.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ContractReport } from '../../src/contract-test/runner.ts';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const timeoutMs = 240_000;

function reportOf(stdout: string): ContractReport {
  return JSON.parse(stdout) as ContractReport;
}

function names(report: ContractReport, outcome: string): string[] {
  return report.results.filter((result) => result.outcome === outcome).map((result) => `${result.group}: ${result.name}`).sort();
}

/** The course's server as too many copies have it: every fault below is deliberate. */
function brokenCourseServer(): Server {
  const db = new Database(':memory:');
  db.exec(`create table users (id integer primary key, username text, password text, realname text);
    create table blogs (id integer primary key, title text, content text, createtime integer, author text);
    insert into users (username, password, realname) values ('zhangsan', '123', '张三'), ('lisi', '123', '李四');`);
  const sessions = new Map<string, string>();
  const reply = (response: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  };
  const fail = (message: string) => ({ errno: -1, message });
  async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown>> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    if (text === '') return {};
    if ((request.headers['content-type'] ?? '').includes('urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not an object');
    return parsed as Record<string, unknown>;
  }
  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://x');
    const query = (name: string) => url.searchParams.get(name) ?? '';
    const sid = /(?:^|;\s*)sid=([^;]*)/.exec(request.headers.cookie ?? '')?.[1];
    const user = sid === undefined ? undefined : sessions.get(sid);
    let body: Record<string, unknown>;
    try {
      body = request.method === 'POST' ? await bodyOf(request) : {};
    } catch {
      return reply(response, fail('bad body'), 400);
    }
    const route = `${request.method} ${url.pathname}`;
    if (route === 'POST /api/user/login') {
      // Fault 1, everywhere: SQL built from strings.
      const row = db.prepare(`select * from users where username = '${String(body.username)}' and password = '${String(body.password)}'`).get() as { username: string; realname: string } | undefined;
      if (!row) return reply(response, fail('登录失败'));
      const id = randomBytes(16).toString('hex');
      if (sid !== undefined) sessions.delete(sid);
      sessions.set(id, row.username);
      return reply(response, { errno: 0, data: { username: row.username, realname: row.realname } }, 200, { 'Set-Cookie': `sid=${id}; Path=/; HttpOnly` });
    }
    if (route === 'GET /api/blog/list') {
      let sql = 'select * from blogs where 1=1 ';
      const author = query('isadmin') ? user : query('author');
      if (query('isadmin') && !user) return reply(response, fail('尚未登录'));
      if (author) sql += `and author = '${author}' `;
      if (query('keyword')) sql += `and title like '%${query('keyword')}%' `;
      return reply(response, { errno: 0, data: db.prepare(`${sql}order by createtime desc, id desc`).all() });
    }
    if (route === 'GET /api/blog/detail') return reply(response, { errno: 0, data: db.prepare(`select * from blogs where id = ${query('id')}`).get() });
    if (!['POST /api/blog/new', 'POST /api/blog/update', 'POST /api/blog/del'].includes(route)) return reply(response, fail('not found'), 404);
    if (!user) return reply(response, fail('尚未登录'));
    // Fault 3: no XSS filter on what is stored.
    const [title, content] = [String(body.title ?? ''), String(body.content ?? '')];
    if (route === 'POST /api/blog/new') {
      const { lastInsertRowid } = db.prepare(`insert into blogs (title, content, createtime, author) values ('${title}', '${content}', ${Date.now()}, '${user}')`).run();
      return reply(response, { errno: 0, data: { id: Number(lastInsertRowid) } });
    }
    // Fault 2: no owner check (the course's `and author = ?` left out).
    if (route === 'POST /api/blog/update') {
      const { changes } = db.prepare(`update blogs set title = '${title}', content = '${content}' where id = ${query('id')}`).run();
      return reply(response, changes > 0 ? { errno: 0 } : fail('更新博客失败'));
    }
    const { changes } = db.prepare(`delete from blogs where id = ${query('id')}`).run();
    return reply(response, changes > 0 ? { errno: 0 } : fail('删除博客失败'));
  }
  return createServer((request, response) => {
    handle(request, response).catch(() => reply(response, fail('error'), 500));
  });
}

describe('blog-server contract-test', () => {
  describe('against a course server with string-built SQL, no owner check and no XSS filter', () => {
    let server: Server;
    let url: string;
    before(async () => {
      server = brokenCourseServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('reports exactly the failures of those faults, with exit status 1', async () => {
      const result = await runCli(['contract-test', url, '--json'], { timeoutMs });
      assert.equal(result.code, 1, result.stderr);
      const report = reportOf(result.stdout);
      assert.deepEqual(names(report, 'fail'), [
        'POST /api/blog/del: refuses someone else\'s blog, and anyone without a login',
        'POST /api/blog/update: refuses someone else\'s blog and a missing one with 更新博客失败',
        'attacks: filters stored XSS from title and content (new and update)',
        'attacks: stores SQL in titles and content as written',
        'attacks: treats SQL in ids (detail, update, del) as data',
        'attacks: treats SQL in login fields as data',
        'attacks: treats SQL in the list\'s author and keyword as data',
      ]);
      assert.equal(report.failed, 7);
      const notApplicable = report.results.filter((check) => check.outcome === 'n/a');
      assert.ok(notApplicable.length > 0 && notApplicable.every((check) => (check.reason ?? '').length > 0), 'each n/a says why');
      assert.ok(notApplicable.some((check) => /X-Total-Count/.test(check.reason ?? '')));
    });

    it('prints a table of the checks', async () => {
      const result = await runCli(['contract-test', url, '--read-only'], { timeoutMs });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /^ {2}FAIL {2}treats SQL in login fields as data/m);
      assert.match(result.stdout, /^ {2}pass {2}rotates the session id on every login/m);
      assert.match(result.stdout, /^ {2}n\/a {3}answers the blog — writes blogs \(--read-only\)/m);
      assert.match(result.stdout, /\d+ passed, \d+ failed, \d+ not applicable \(\d+ checks\)\n$/);
    });
  });

  describe('against blog-server', () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const server of servers) await server.close();
    });

    it('passes every check on native, strictly, and writes nothing it does not delete', async () => {
      const server = await startTestServer({ engine: 'native' });
      servers.push(server);
      const before = await fetch(`${server.url}/api/blog/list`).then((response) => response.text());
      const result = await runCli(['contract-test', `${server.url}/`, '--strict', '--json'], { timeoutMs });
      const report = reportOf(result.stdout);
      assert.deepEqual(report.results.filter((check) => check.outcome !== 'pass'), []);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await fetch(`${server.url}/api/blog/list`).then((response) => response.text()), before, 'the blogs are as they were');
    });

    // The matrix (test/contract/matrix.test.ts) runs every check on every engine through the same
    // code; here the command itself runs on each, with the groups that log in least (scrypt is slow).
    for (const engine of ENGINE_NAMES.filter((name) => name !== 'native')) {
      it(`passes on ${engine} with --read-only, writing nothing`, async () => {
        const server = await startTestServer({ engine });
        servers.push(server);
        const before = await fetch(`${server.url}/api/blog/list`).then((response) => response.text());
        const only = ['GET /api/blog', 'protocol', 'treats SQL in the list', 'not a positive integer'].flatMap((text) => ['--only', text]);
        const result = await runCli(['contract-test', server.url, '--read-only', '--strict', '--json', '--user', 'lisi', '--other-user', 'zhangsan', ...only], { timeoutMs });
        const report = reportOf(result.stdout);
        assert.deepEqual(names(report, 'fail'), []);
        assert.ok(names(report, 'pass').length >= 10, 'most checks ran');
        assert.ok(report.results.filter((check) => check.outcome === 'n/a').every((check) => check.reason === 'writes blogs (--read-only)'));
        assert.equal(result.code, 0, result.stderr);
        assert.equal(await fetch(`${server.url}/api/blog/list`).then((response) => response.text()), before);
      });
    }

    it('refuses a base URL that is not one, with the usage status', async () => {
      const result = await runCli(['contract-test', 'not a url']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /is not a URL/);
    });
  });
});
