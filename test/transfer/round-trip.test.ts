/**
 * `copy` SQLite → MariaDB → PostgreSQL → SQLite through the real CLI: after every hop every row and
 * field is equal (Chinese, emoji, times, password hashes), and the blog serves as before.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runContract } from '../../src/contract-test/runner.ts';
import { runCli } from '../helpers/cli.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createMariadbDatabase, createPostgresDatabase, skipUnless, type TestResource } from '../helpers/databases.ts';
import { startTestServer } from '../helpers/start-server.ts';
import { awkwardTexts, readAll, type AllRows } from './blog-data.ts';
import { checkServedBlog, type Account } from './served-checks.ts';

const accounts: Account[] = [
  { username: 'wangwu', password: 'password-王五-1', realname: '王五' },
  { username: 'zhaoliu', password: 'password-赵六-2', realname: '赵六 🎉' },
];

describe('copy between SQLite, MariaDB and PostgreSQL', { skip: skipUnless(['mariadb', 'postgres'], 'the copy round trip') }, () => {
  let dir: string;
  let mariadb: TestResource;
  let postgres: TestResource;
  let original: AllRows;
  const first = () => join(dir, 'first.db');
  const last = () => join(dir, 'last.db');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blog-copy-test-'));
    mariadb = await createMariadbDatabase();
    postgres = await createPostgresDatabase();
    const server = await startTestServer({ databaseUrl: first() });
    try {
      for (const account of accounts) await server.app.services.users.createUser(account);
      for (const [index, account] of accounts.entries()) {
        const client = new Client(server.url);
        await client.login(account.username, account.password);
        // A draft, a Markdown post, a post scheduled far ahead and an autosave: issue 17's columns and revisions.
        assertEnvelope(await client.post('/api/blog/new', { title: `草稿 ${account.realname}`, content: '<p>草稿</p>', status: 'draft' }), 200, 0);
        const markdown = assertEnvelope(await client.post('/api/blog/new', { title: `Markdown ${account.realname}`, format: 'markdown', source: '# 标题\n\n*强调* 😀' }), 200, 0).data as { id: number };
        assertEnvelope(await client.post(`/api/blog/autosave?id=${markdown.id}`, { title: 'autosave', format: 'markdown', source: '未保存 **草稿**' }), 200, 0);
        assertEnvelope(await client.post('/api/blog/new', { title: `定时 ${account.realname}`, content: 'c', publishtime: Date.now() + 365 * 24 * 60 * 60 * 1000 }), 200, 0);
        for (const [at, text] of awkwardTexts.entries()) {
          const reply = await client.post('/api/blog/new', { title: `${account.realname} ${text}`.slice(0, 100), content: `${text}\n${'长文 '.repeat(at * 50 + index)}` });
          const { id } = assertEnvelope(reply, 200, 0).data as { id: number };
          if (at % 2 === 0) assertEnvelope(await client.post(`/api/blog/update?id=${id}`, { title: `改 ${text}`.slice(0, 100), content: `更新 ${text}` }), 200, 0);
          if (at === 3) assertEnvelope(await client.post(`/api/blog/del?id=${id}`), 200, 0);
        }
      }
    } finally {
      await server.close();
    }
    original = await readAll(first());
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await mariadb?.drop();
    await postgres?.drop();
  });

  it('keeps every row and field on each hop, and each target serves the blog', async () => {
    assert.ok(original.users.length >= 2);
    assert.ok(original.blogs.some((blog) => blog.updatetime !== null) && original.blogs.some((blog) => blog.updatetime === null));
    assert.ok(original.blogs.some((blog) => blog.status === 'draft') && original.blogs.some((blog) => blog.source !== null));
    assert.ok(original.revisions.some((revision) => revision.kind === 'autosave') && original.revisions.some((revision) => revision.kind === 'save'));
    const hops = [[first(), mariadb.url], [mariadb.url, postgres.url], [postgres.url, last()]] as const;
    for (const [from, to] of hops) {
      const result = await runCli(['copy', '--from', from, '--to', to], { timeoutMs: 60_000 });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /copied \d+ users and \d+ blogs .*row counts and checksums match/);
      assert.deepEqual(await readAll(to), original, `after the copy to ${to}`);
      await checkServedBlog(to, original, accounts);
    }
  });

  it('passes the whole contract suite after the round trip (the demo users keep their passwords)', async () => {
    const server = await startTestServer({ databaseUrl: last() });
    try {
      const report = await runContract({ baseUrl: server.url, user: { username: 'zhangsan', password: '123' }, other: { username: 'lisi', password: '123' }, readOnly: false, strict: true });
      const failures = report.results.filter((result) => result.outcome !== 'pass').map((result) => `${result.name}: ${result.outcome} ${result.reason ?? ''}`);
      assert.deepEqual(failures, []);
      assert.ok(report.passed > 20, `${report.passed} checks passed`);
    } finally {
      await server.close();
    }
  });

  it('refuses a target that holds a blog, and replaces it with --force --yes', async () => {
    const refused = await runCli(['copy', '--from', first(), '--to', postgres.url]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /holds \d+ users and \d+ blogs; pass --force/);
    const forced = await runCli(['copy', '--from', last(), '--to', postgres.url, '--force', '--yes'], { timeoutMs: 60_000 });
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(await readAll(postgres.url), original);
    const same = await runCli(['copy', '--from', last(), '--to', last()]);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /name the same database/);
  });
});
