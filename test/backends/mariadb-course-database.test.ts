/**
 * A MariaDB database made by the course (`users` and `blogs` in utf8, short varchar columns, md5
 * passwords, ids with gaps) migrates forward with no row lost or changed; its users log in with their
 * old passwords, which are then replaced by scrypt hashes; and the migration can be re-run.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { courseMd5 } from '../../src/core/passwords.ts';
import { migrationsFor } from '../../src/storage/migrations/index.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createMariadbDatabase, skipUnless, withMariadb, type TestResource } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const courseSecret = 'WJiol_8776#';

/** The course's own DDL (MySQL Workbench, utf8), ids and data as a course database has them. */
const courseSchema = [
  `create table users (
    id int(11) not null auto_increment,
    username varchar(20) not null,
    password varchar(32) not null,
    realname varchar(10) not null,
    primary key (id)
  ) engine=InnoDB default charset=utf8`,
  `create table blogs (
    id int(11) not null auto_increment,
    title varchar(50) not null,
    content longtext not null,
    createtime bigint(20) not null default 0,
    author varchar(20) not null,
    primary key (id)
  ) engine=InnoDB default charset=utf8`,
];

const courseUsers = [
  [1, 'zhangsan', courseMd5('123', courseSecret), '张三'],
  [5, 'lisi', courseMd5('123', courseSecret), '李四'],
  [9, 'wangwu', courseMd5('p@ss\\word', courseSecret), '十个字的真实姓名啊'],
];
const courseBlogs = [
  [1, '标题A', '内容A', 1546610491112, 'zhangsan'],
  [3, `标题B 'quoted' \\ back`, '内容B <b>粗</b>', 1546610524373, 'lisi'],
  [10, 'x'.repeat(50), '长文'.repeat(5000), 1546874444444, 'zhangsan'],
  [11, '同一时刻', '', 1546874444444, 'wangwu'],
];

type Row = Record<string, unknown>;

async function query(database: string, statement: string, values: unknown[] = []): Promise<Row[]> {
  return withMariadb(async (connection) => (await connection.query(statement, values))[0] as Row[], database);
}

describe('a course-made MariaDB database', { skip: skipUnless(['mariadb'], 'the MariaDB course-database test') }, () => {
  let database: TestResource | undefined;
  let server: TestServer | undefined;
  let before_: { users: Row[]; blogs: Row[] };
  const name = () => {
    assert.ok(database);
    return database.name;
  };

  before(async () => {
    database = await createMariadbDatabase('utf8');
    await withMariadb(async (connection) => {
      for (const statement of courseSchema) await connection.query(statement);
      await connection.query('insert into users (id, username, password, realname) values ?', [courseUsers]);
      await connection.query('insert into blogs (id, title, content, createtime, author) values ?', [courseBlogs]);
    }, database.name);
    before_ = {
      users: await query(database.name, 'select * from users order by id'),
      blogs: await query(database.name, 'select * from blogs order by id'),
    };
    server = await startTestServer({ databaseUrl: database.url, env: { COURSE_PASSWORD_SECRET: courseSecret, DEMO_DATA: 'false' } });
  });
  after(async () => {
    await server?.close();
    await database?.drop();
  });

  it('keeps every row and value, and widens the short columns to utf8mb4', async () => {
    assert.deepEqual(await query(name(), 'select * from users order by id'), before_.users);
    assert.deepEqual(await query(name(), 'select id, title, content, createtime, author from blogs order by id'), before_.blogs);
    assert.deepEqual((await query(name(), 'select updatetime from blogs')).map((row) => row.updatetime), [null, null, null, null]);

    const columns = await query(name(), `select table_name as t, column_name as c, character_maximum_length as length, collation_name as collation, is_nullable as nullable
      from information_schema.columns where table_schema = ? and table_name in ('users', 'blogs') and data_type in ('varchar', 'longtext') order by t, c`, [name()]);
    const widths = Object.fromEntries(columns.map((column) => [`${String(column.t)}.${String(column.c)}`, Number(column.length)]));
    assert.deepEqual(widths, { 'blogs.author': 64, 'blogs.content': 4294967295, 'blogs.format': 16, 'blogs.source': 4294967295, 'blogs.status': 16, 'blogs.title': 1024, 'users.password': 255, 'users.realname': 64, 'users.username': 64 });
    for (const column of columns) {
      assert.equal(column.collation, 'utf8mb4_bin', `${String(column.t)}.${String(column.c)}`);
      // blogs.source (migration 005) is null for HTML posts; every course column stays not null.
      assert.equal(column.nullable, column.c === 'source' ? 'YES' : 'NO', `${String(column.t)}.${String(column.c)} keeps its nullability`);
    }
    const [createtime] = await query(name(), `select column_default as d from information_schema.columns where table_schema = ? and table_name = 'blogs' and column_name = 'createtime'`, [name()]);
    assert.equal(String(createtime?.d), '0', 'the course default of createtime stays');
  });

  it('lists the course posts newest first with their counts', async () => {
    assert.ok(server);
    const anonymous = new Client(server.url);
    const list = await anonymous.get('/api/blog/list');
    assert.deepEqual((assertEnvelope(list, 200, 0).data as { id: number }[]).map((blog) => blog.id), [11, 10, 3, 1]);
    assert.equal(list.headers.get('x-total-count'), '4');
    assert.equal((await anonymous.get('/api/blog/list?author=zhangsan')).headers.get('x-total-count'), '2');
    const detail = assertEnvelope(await anonymous.get('/api/blog/detail?id=3'), 200, 0).data as { title: string; content: string };
    assert.equal(detail.title, courseBlogs[1]![1]);
  });

  it('logs a course user in with the md5 password, then stores a scrypt hash', async () => {
    assert.ok(server);
    const wangwu = new Client(server.url);
    assertEnvelope(await wangwu.post('/api/user/login', { username: 'wangwu', password: 'wrong' }), 200, -1, 'LOGIN_FAILED', '登录失败');
    await wangwu.login('wangwu', 'p@ss\\word');
    const [upgraded] = await query(name(), 'select password from users where id = 9');
    assert.match(String(upgraded?.password), /^\$scrypt\$/);
    const [untouched] = await query(name(), 'select password from users where id = 1');
    assert.equal(untouched?.password, courseMd5('123', courseSecret), 'only the user who logged in is upgraded');
    await new Client(server.url).login('wangwu', 'p@ss\\word');

    // Emoji fit now; new ids continue after the course's.
    const title = '迁移之后 😀🎉';
    const { id } = assertEnvelope(await wangwu.post('/api/blog/new', { title, content: '表情 👍' }), 200, 0).data as { id: number };
    assert.ok(id > 11);
    const blog = assertEnvelope(await wangwu.get(`/api/blog/detail?id=${id}`), 200, 0).data as { title: string; content: string };
    assert.deepEqual([blog.title, blog.content], [title, '表情 👍']);
  });

  it('re-runs migrations that MySQL left half-applied (DDL is not transactional)', async () => {
    assert.ok(server);
    await server.restart();
    assert.equal(server.app.startup.migrations.length, 0, 'nothing to do on a second start');
    // As if the process died after the DDL of every migration since 001 but before recording them.
    await query(name(), "delete from blog_server_migrations where name not like '%-001-%'");
    await server.restart();
    assert.deepEqual(server.app.startup.migrations, Object.keys(migrationsFor('mysql')).slice(1));
    const anonymous = new Client(server.url);
    assert.equal((await anonymous.get('/api/blog/list')).headers.get('x-total-count'), '5');
    // Every blog queued again, and found meanwhile (the queue is scanned) and after.
    assert.equal((await anonymous.get(`/api/blog/list?keyword=${encodeURIComponent('迁移之后')}`)).headers.get('x-total-count'), '1');
    const [count] = await query(name(), "select n from blog_counts where author = 'wangwu'");
    assert.equal(Number(count?.n), 2);
  });
});
