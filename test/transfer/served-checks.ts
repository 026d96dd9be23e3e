/** A few contract rows run against a blog after it moved: logins with old passwords, counts, the next id, ownership. */
import { strict as assert } from 'node:assert';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { startTestServer } from '../helpers/start-server.ts';
import { publicBlogs, type AllRows } from './blog-data.ts';

export interface Account {
  username: string;
  password: string;
  realname: string;
}

/** Serves `databaseUrl` and checks it answers as the blog `rows` should; leaves the database as it found it. */
export async function checkServedBlog(databaseUrl: string, rows: AllRows, accounts: readonly Account[]): Promise<void> {
  const server = await startTestServer({ databaseUrl });
  try {
    const [first, second] = accounts;
    assert.ok(first && second, 'two accounts are needed');
    const owner = new Client(server.url);
    const wrong = await owner.post('/api/user/login', { username: first.username, password: `${first.password}x` });
    assertEnvelope(wrong, 200, -1, 'LOGIN_FAILED', wrong.json.message ?? '');
    const login = await owner.post('/api/user/login', { username: first.username, password: first.password });
    assert.deepEqual(assertEnvelope(login, 200, 0).data, { username: first.username, realname: first.realname });

    // Drafts and posts not yet due are neither listed nor counted.
    const visible = publicBlogs(rows);
    const list = await owner.get('/api/blog/list');
    assert.equal(list.headers.get('x-total-count'), String(visible.length));
    const mine = visible.filter((blog) => blog.author === first.username);
    const byAuthor = await owner.get(`/api/blog/list?author=${encodeURIComponent(first.username)}`);
    assert.equal(byAuthor.headers.get('x-total-count'), String(mine.length));

    const sample = visible.at(-1);
    assert.ok(sample);
    const detail = await owner.get(`/api/blog/detail?id=${sample.id}`);
    assert.deepEqual(assertEnvelope(detail, 200, 0).data, { ...sample, publishtime: sample.createtime });
    const own = rows.blogs.filter((blog) => blog.author === first.username);
    assert.equal((await owner.get('/api/blog/list?isadmin=1')).headers.get('x-total-count'), String(own.length), 'isadmin=1 counts drafts too');
    const revised = rows.revisions.find((revision) => revision.author === first.username);
    if (revised) {
      const listed = assertEnvelope(await owner.get(`/api/blog/revisions?id=${revised.blog_id}`), 200, 0).data as { revision: number }[];
      assert.ok(listed.some((revision) => revision.revision === revised.id), 'revisions moved with their ids');
    }

    // The search index is derived data: rebuilt after the move, it finds the moved posts.
    const byKeyword = await owner.get(`/api/blog/list?keyword=${encodeURIComponent(sample.title)}`);
    assert.ok((assertEnvelope(byKeyword, 200, 0).data as { id: number }[]).some((blog) => blog.id === sample.id), 'keyword= finds a moved post');
    const longOnes = visible.filter((blog) => blog.content.includes('长文')).length;
    assert.equal((await owner.get(`/api/blog/list?search=${encodeURIComponent('长文')}`)).headers.get('x-total-count'), String(longOnes), 'search= finds the moved posts');

    const created = await owner.post('/api/blog/new', { title: '搬家以后 🚚', content: '新的一篇' });
    const { id } = assertEnvelope(created, 200, 0).data as { id: number };
    assert.equal(id, Math.max(...rows.blogs.map((blog) => blog.id)) + 1, 'the next id follows the largest');
    assert.equal((await owner.get('/api/blog/list')).headers.get('x-total-count'), String(visible.length + 1));

    const other = new Client(server.url);
    await other.login(second.username, second.password);
    const foreign = await other.post(`/api/blog/update?id=${id}`, { title: 'not mine', content: 'x' });
    assertEnvelope(foreign, 200, -1, 'BLOG_UPDATE_FAILED', foreign.json.message ?? '');
    assertEnvelope(await owner.post(`/api/blog/update?id=${id}`, { title: '改了', content: '改了 ✓' }), 200, 0);
    assertEnvelope(await owner.post(`/api/blog/del?id=${id}`), 200, 0);
    assert.equal((await owner.get('/api/blog/list')).headers.get('x-total-count'), String(visible.length));
  } finally {
    await server.close();
  }
}
