/**
 * A course-made database adopted in place gets its search index: on SQLite `blog-server migrate`
 * (a real CLI process) queues and indexes every post, and on PostgreSQL and MariaDB a server started
 * on the course's tables builds it in the background, answering right (by the fallback scan) before
 * it is done. Afterwards every post is found by `keyword=` and `search=`, and
 * `blog-server search rebuild` indexes them all again.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createMariadbDatabase, createPostgresDatabase, skipUnless, withMariadb, withPostgres } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-search-course-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const postCount = 1_000;

/** The course's rows: every title and content unique (`帖子<n>号`, `词<n>`), some of them in markup. */
function coursePosts(): [number, string, string, number, string][] {
  return Array.from({ length: postCount }, (_, index) => {
    const n = index + 1;
    const content = n % 3 === 0 ? `<p>正文 <b>w${n}x</b></p>` : `正文 w${n}x`;
    // Ids with gaps, as a course database that lost posts has them.
    return [n * 2, `帖子${n}号`, content, 1546610491112 + n, n % 2 === 0 ? 'zhangsan' : 'lisi'];
  });
}

/** Every post is found: by its whole title, by a word of its content, and all of them by a shared word. */
async function assertEveryPostFindable(server: TestServer): Promise<void> {
  const client = new Client(server.url);
  const total = async (query: string) => Number((await client.get(`/api/blog/list?${query}`)).headers.get('x-total-count'));
  assert.equal(await total('keyword=%E5%B8%96%E5%AD%90'), postCount, 'keyword=帖子');
  assert.equal(await total('search=%E6%AD%A3%E6%96%87'), postCount, 'search=正文');
  assert.equal(await total('search=%E6%AD%A3%E6%96%87&author=zhangsan'), postCount / 2, 'search=正文&author=zhangsan');
  for (let n = 1; n <= postCount; n += 47) {
    const byTitle = assertEnvelope(await client.get(`/api/blog/list?keyword=${encodeURIComponent(`子${n}号`)}`), 200, 0).data as { id: number }[];
    assert.deepEqual(byTitle.map((blog) => blog.id), [n * 2], `keyword=子${n}号`);
    const byContent = assertEnvelope(await client.get(`/api/blog/list?search=W${n}X`), 200, 0).data as { id: number }[];
    assert.deepEqual(byContent.map((blog) => blog.id), [n * 2], `search=W${n}X`);
  }
}

describe('the search index of a course-made database', () => {
  it('SQLite: `blog-server migrate` indexes every post, `search rebuild` again', async () => {
    const path = join(dataDir, 'blog.db');
    const database = new SqliteDatabase(path);
    database.exec(`
      create table users (id integer primary key autoincrement, username varchar(20) not null, password varchar(32) not null, realname varchar(10) not null, state int default 1);
      create table blogs (id integer primary key autoincrement, title varchar(50) not null, content longtext not null, createtime bigint not null, author varchar(20) not null);
    `);
    const add = database.prepare('insert into blogs (id, title, content, createtime, author) values (?, ?, ?, ?, ?)');
    database.transaction(() => {
      for (const post of coursePosts()) add.run(...post);
    })();
    database.close();

    const migrated = await runCli(['migrate'], { env: { DATABASE_URL: path }, timeoutMs: 120_000 });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, new RegExp(`indexed ${postCount} posts for search`));
    // Not a terminal: no progress line.
    assert.equal(migrated.stderr, '');
    const check = new SqliteDatabase(path, { readonly: true });
    const count = (table: string) => (check.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    assert.deepEqual([count('blog_search_docs'), count('blog_search_pending')], [postCount, 0]);
    check.close();

    const server = await startTestServer({ dataDir, env: { DEMO_DATA: 'false' } });
    try {
      await assertEveryPostFindable(server);
    } finally {
      await server.close();
    }

    const rebuilt = await runCli(['search', 'rebuild'], { env: { DATABASE_URL: path }, timeoutMs: 120_000 });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, new RegExp(`indexed ${postCount} posts for search`));
    const usage = await runCli(['search', 'nonsense'], { env: { DATABASE_URL: path } });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /search rebuild/);
  });

  it('PostgreSQL: a server adopting the course tables builds the index in the background', { skip: skipUnless(['postgres'], 'the PostgreSQL course-database search test') }, async () => {
    const database = await createPostgresDatabase();
    try {
      await withPostgres(async (client) => {
        await client.query('create table users (id serial primary key, username varchar(20) not null, password varchar(32) not null, realname varchar(10) not null)');
        await client.query('create table blogs (id serial primary key, title varchar(50) not null, content text not null, createtime bigint not null, author varchar(20) not null)');
        const posts = coursePosts();
        for (let start = 0; start < posts.length; start += 500) {
          const part = posts.slice(start, start + 500);
          await client.query(`insert into blogs (id, title, content, createtime, author) values ${part.map((_, row) => `($${row * 5 + 1}, $${row * 5 + 2}, $${row * 5 + 3}, $${row * 5 + 4}, $${row * 5 + 5})`).join(', ')}`, part.flat());
        }
      }, database.name);
      const server = await startTestServer({ databaseUrl: database.url, env: { DEMO_DATA: 'false' } });
      try {
        // Right at once (queued posts are scanned), and complete once the background build is done.
        await assertEveryPostFindable(server);
        await eventually(async () => (await server.app.storage.search.pendingCount()) === 0, 120_000, 'the background build finished');
        await assertEveryPostFindable(server);
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('MariaDB: a server adopting the course tables (utf8, not utf8mb4) builds the index in the background', { skip: skipUnless(['mariadb'], 'the MariaDB course-database search test') }, async () => {
    const database = await createMariadbDatabase();
    try {
      await withMariadb(async (connection) => {
        await connection.query('create table users (id int(11) not null auto_increment, username varchar(20) not null, password varchar(32) not null, realname varchar(10) not null, primary key (id)) engine=InnoDB default charset=utf8');
        await connection.query('create table blogs (id int(11) not null auto_increment, title varchar(50) not null, content longtext not null, createtime bigint(20) not null default 0, author varchar(20) not null, primary key (id)) engine=InnoDB default charset=utf8');
        const posts = coursePosts();
        for (let start = 0; start < posts.length; start += 500) {
          await connection.query('insert into blogs (id, title, content, createtime, author) values ?', [posts.slice(start, start + 500)]);
        }
      }, database.name);
      const server = await startTestServer({ databaseUrl: database.url, env: { DEMO_DATA: 'false' } });
      try {
        await assertEveryPostFindable(server);
        await eventually(async () => (await server.app.storage.search.pendingCount()) === 0, 120_000, 'the background build finished');
        await assertEveryPostFindable(server);
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
    }
  });
});
