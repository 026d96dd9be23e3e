/** A SQLite database made by the course's schema migrates forward with no row lost, and old passwords log in. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import { courseMd5 } from '../../src/core/passwords.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { startTestServer } from '../helpers/start-server.ts';

const courseSecret = 'WJiol_8776#';
const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-course-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface CourseBlog { id: number; title: string; content: string; createtime: number; author: string }

function buildCourseDatabase(path: string): { users: unknown[]; blogs: CourseBlog[] } {
  const database = new SqliteDatabase(path);
  database.exec(`
    create table users (id integer primary key autoincrement, username varchar(20) not null, password varchar(32) not null, realname varchar(10) not null, state int default 1);
    create table blogs (id integer primary key autoincrement, title varchar(50) not null, content longtext not null, createtime bigint not null, author varchar(20) not null);
  `);
  const addUser = database.prepare('insert into users (id, username, password, realname) values (?, ?, ?, ?)');
  addUser.run(1, 'zhangsan', courseMd5('123', courseSecret), '张三');
  addUser.run(5, 'lisi', courseMd5('123', courseSecret), '李四');
  const addBlog = database.prepare('insert into blogs (id, title, content, createtime, author) values (?, ?, ?, ?, ?)');
  addBlog.run(1, '标题A', '内容A', 1546610491112, 'zhangsan');
  addBlog.run(3, '标题B', '内容B <b>粗</b>', 1546610524373, 'lisi');
  addBlog.run(10, 'emoji 😀', '长文'.repeat(5000), 1546874444444, 'zhangsan');
  const rows = { users: database.prepare('select * from users order by id').all(), blogs: database.prepare('select * from blogs order by id').all() as CourseBlog[] };
  database.close();
  return rows;
}

describe('a course-made SQLite database', () => {
  it('migrates forward, keeps every row, and upgrades an md5 password at login', async () => {
    const path = join(dataDir, 'blog.db');
    const before = buildCourseDatabase(path);
    const server = await startTestServer({ dataDir, env: { COURSE_PASSWORD_SECRET: courseSecret, DEMO_DATA: 'false' } });
    try {
      const database = new SqliteDatabase(path, { readonly: true });
      assert.deepEqual(database.prepare('select id, username, password, realname, state from users order by id').all(), before.users);
      assert.deepEqual(database.prepare('select id, title, content, createtime, author from blogs order by id').all(), before.blogs);
      database.close();

      const anonymous = new Client(server.url);
      const list = assertEnvelope(await anonymous.get('/api/blog/list'), 200, 0).data as CourseBlog[];
      assert.deepEqual(list.map((blog) => blog.id), [10, 3, 1]);
      assert.equal(Number((await anonymous.get('/api/blog/list')).headers.get('x-total-count')), 3);
      assert.equal(Number((await anonymous.get('/api/blog/list?author=zhangsan')).headers.get('x-total-count')), 2);

      const zhangsan = new Client(server.url);
      assertEnvelope(await zhangsan.post('/api/user/login', { username: 'zhangsan', password: 'wrong' }), 200, -1, 'LOGIN_FAILED', '登录失败');
      await zhangsan.login('zhangsan', '123');
      const upgraded = new SqliteDatabase(path, { readonly: true });
      const { password } = upgraded.prepare('select password from users where id = 1').get() as { password: string };
      const untouched = upgraded.prepare('select password from users where id = 5').get() as { password: string };
      upgraded.close();
      assert.match(password, /^\$scrypt\$ln=13,r=8,p=10\$/);
      assert.equal(untouched.password, courseMd5('123', courseSecret), 'only the user who logged in is upgraded');

      // The upgraded hash works, and new rows continue after the course's ids.
      await new Client(server.url).login('zhangsan', '123');
      const { id } = assertEnvelope(await zhangsan.post('/api/blog/new', { title: '新的', content: 'c' }), 200, 0).data as { id: number };
      assert.ok(id > 10);
    } finally {
      await server.close();
    }
  });

  it('refuses course md5 hashes when the course secret is not configured', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'blog-server-course-'));
    buildCourseDatabase(join(otherDir, 'blog.db'));
    const server = await startTestServer({ dataDir: otherDir, env: { DEMO_DATA: 'false' } });
    try {
      assertEnvelope(await new Client(server.url).post('/api/user/login', { username: 'zhangsan', password: '123' }), 200, -1, 'LOGIN_FAILED', '登录失败');
    } finally {
      await server.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
