/**
 * The contract suite: every row of API.md with its errors and variants, over real HTTP. It takes a
 * matrix cell (engine × storage × session store) and never branches on which one it got.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { Client, assertEnvelope, type Envelope } from '../helpers/client.ts';
import type { MatrixCell } from '../helpers/matrix.ts';
import type { TestServer } from '../helpers/start-server.ts';

interface ApiBlog {
  id: number;
  title: string;
  content: string;
  createtime: number;
  author: string;
}

const blogsOf = (body: Envelope): ApiBlog[] => body.data as ApiBlog[];

function assertNewestFirst(blogs: ApiBlog[]): void {
  for (let index = 1; index < blogs.length; index += 1) {
    const [previous, current] = [blogs[index - 1]!, blogs[index]!];
    assert.ok(previous.createtime > current.createtime || (previous.createtime === current.createtime && previous.id > current.id), 'newest first');
  }
}

const injectionPayloads = [`' OR '1'='1`, `1; DROP TABLE blogs; --`, `" OR ""="`, `zhangsan' --`, `\\' OR 1=1 #`, `%' OR title LIKE '%`];

export function runContract(cell: MatrixCell): void {
  describe(`contract: ${cell.name}`, () => {
    let server: TestServer;
    let anonymous: Client;
    let zhangsan: Client;
    let lisi: Client;
    const client = () => new Client(server.url);

    async function createBlog(as: Client, title: string, content = `${title} 的内容`): Promise<number> {
      const body = assertEnvelope(await as.post('/api/blog/new', { title, content }), 200, 0);
      return (body.data as { id: number }).id;
    }

    before(async () => {
      server = await cell.start();
      anonymous = client();
      zhangsan = client();
      lisi = client();
      await zhangsan.login('zhangsan');
      await lisi.login('lisi');
    });
    after(() => server.close());

    describe('GET /api/blog/list', () => {
      it('lists every blog newest first, as blog objects', async () => {
        const reply = await anonymous.get('/api/blog/list');
        const blogs = blogsOf(assertEnvelope(reply, 200, 0));
        assert.ok(blogs.length >= 3, 'demo posts are listed');
        for (const blog of blogs) {
          assert.equal(typeof blog.id, 'number');
          assert.equal(typeof blog.title, 'string');
          assert.equal(typeof blog.content, 'string');
          assert.equal(typeof blog.createtime, 'number');
          assert.equal(typeof blog.author, 'string');
        }
        assertNewestFirst(blogs);
        assert.equal(reply.headers.get('x-total-count'), String(blogs.length));
      });

      it('filters by exact author; empty parameters do not filter', async () => {
        const all = blogsOf((await anonymous.get('/api/blog/list')).json);
        const mine = blogsOf(assertEnvelope(await anonymous.get('/api/blog/list?author=lisi'), 200, 0));
        assert.ok(mine.length > 0 && mine.every((blog) => blog.author === 'lisi'));
        assert.equal(blogsOf((await anonymous.get('/api/blog/list?author=lis')).json).length, 0, 'author is exact');
        assert.deepEqual(blogsOf((await anonymous.get('/api/blog/list?author=&keyword=')).json), all);
      });

      it('searches titles case-insensitively, CJK included, with % and _ literal', async () => {
        const upper = await createBlog(zhangsan, 'Keyword MixedCase 搜索测试 100%_done');
        const plain = await createBlog(zhangsan, 'plain 100x1done');
        const ids = async (query: string) => blogsOf(assertEnvelope(await anonymous.get(`/api/blog/list?${query}`), 200, 0)).map((blog) => blog.id);
        assert.deepEqual(await ids('keyword=mixedcase'), [upper]);
        assert.deepEqual(await ids(`keyword=${encodeURIComponent('搜索')}`), [upper]);
        assert.deepEqual(await ids(`keyword=${encodeURIComponent('100%_')}`), [upper], '% and _ match themselves');
        assert.deepEqual(await ids('keyword=_'), [upper], 'a lone _ is not a wildcard');
        assert.ok((await ids('keyword=plain')).includes(plain));
        const both = await ids(`keyword=100&author=zhangsan`);
        assert.deepEqual(both, [plain, upper]);
      });

      it('isadmin=1 needs a login and forces the author to the logged-in user', async () => {
        assertEnvelope(await anonymous.get('/api/blog/list?isadmin=1'), 200, -1, 'SESSION_REQUIRED', '尚未登录');
        const own = blogsOf(assertEnvelope(await lisi.get('/api/blog/list?isadmin=1&author=zhangsan'), 200, 0));
        assert.ok(own.length > 0 && own.every((blog) => blog.author === 'lisi'));
      });

      it('pages with page and pageSize, X-Total-Count and Link', async () => {
        const total = Number((await anonymous.get('/api/blog/list')).headers.get('x-total-count'));
        const first = await anonymous.get('/api/blog/list?page=1&pageSize=2');
        const second = await anonymous.get('/api/blog/list?page=2&pageSize=2');
        const [a, b] = [blogsOf(assertEnvelope(first, 200, 0)), blogsOf(assertEnvelope(second, 200, 0))];
        assert.equal(a.length, 2);
        assert.ok(b.length >= 1);
        assert.ok(a.every((blog) => !b.some((other) => other.id === blog.id)), 'pages do not overlap');
        assert.ok(a[1]!.createtime >= b[0]!.createtime);
        assert.equal(first.headers.get('x-total-count'), String(total));
        const link = first.headers.get('link') ?? '';
        assert.match(link, /<\/api\/blog\/list\?page=2&pageSize=2>; rel="next"/);
        assert.match(link, new RegExp(`<\\/api\\/blog\\/list\\?page=${Math.ceil(total / 2)}&pageSize=2>; rel="last"`));
        assert.doesNotMatch((await anonymous.get(`/api/blog/list?page=${Math.ceil(total / 2)}&pageSize=2`)).headers.get('link') ?? '', /rel="next"/);
        assert.deepEqual(blogsOf((await anonymous.get('/api/blog/list?page=999&pageSize=2')).json), []);
      });

      it('keeps the filters in Link and clamps a huge pageSize', async () => {
        const reply = await anonymous.get('/api/blog/list?author=zhangsan&pageSize=1');
        assert.match(reply.headers.get('link') ?? '', /author=zhangsan&pageSize=1&page=2>; rel="next"/);
        const huge = await anonymous.get('/api/blog/list?pageSize=100000');
        assertEnvelope(huge, 200, 0);
        assert.match(huge.headers.get('link') ?? '', /pageSize=500[&>]/);
      });

      it('rejects a page or pageSize that is not a positive integer with 400', async () => {
        for (const [query, field] of [['page=0', 'page'], ['page=-1', 'page'], ['page=abc', 'page'], ['pageSize=1.5', 'pageSize'], ['pageSize=0', 'pageSize']]) {
          assertEnvelope(await anonymous.get(`/api/blog/list?${query}`), 400, -1, 'INVALID_PARAMETER', `参数错误: ${field} 必须是正整数`);
        }
      });

      it('parses query strings leniently (unknown keys, empty pairs, bare %)', async () => {
        for (const query of ['1=1', '&&', 'author=&keyword=', 'keyword=%', 'keyword=%E4%B8', '=&=x&a', 'keyword=100%25%', 'author[]=x']) {
          assertEnvelope(await anonymous.get(`/api/blog/list?${query}`), 200, 0);
        }
      });
    });

    describe('GET /api/blog/detail', () => {
      it('answers the blog', async () => {
        const id = await createBlog(zhangsan, '详情测试', '正文 ✓ 😀');
        const blog = assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog;
        assert.equal(blog.id, id);
        assert.equal(blog.title, '详情测试');
        assert.equal(blog.content, '正文 ✓ 😀');
        assert.equal(blog.author, 'zhangsan');
        assert.ok(Math.abs(blog.createtime - Date.now()) < 60_000);
      });

      it('answers errno -1 for a missing blog and 400 for a bad id', async () => {
        assertEnvelope(await anonymous.get('/api/blog/detail?id=999999999'), 200, -1, 'BLOG_NOT_FOUND', '博客不存在');
        for (const query of ['', 'id=', 'id=abc', 'id=0', 'id=-3', 'id=1.5', 'id=99999999999999999999']) {
          assertEnvelope(await anonymous.get(`/api/blog/detail?${query}`), 400, -1, 'INVALID_PARAMETER', '参数错误: id 必须是正整数');
        }
      });

      it('isadmin=1 answers only the logged-in user\'s own blog', async () => {
        const id = await createBlog(zhangsan, '只给作者看');
        assertEnvelope(await zhangsan.get(`/api/blog/detail?id=${id}&isadmin=1`), 200, 0);
        assertEnvelope(await lisi.get(`/api/blog/detail?id=${id}&isadmin=1`), 200, -1, 'BLOG_NOT_FOUND', '博客不存在');
        assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}&isadmin=1`), 200, -1, 'SESSION_REQUIRED', '尚未登录');
      });
    });

    describe('POST /api/blog/new', () => {
      it('needs a login', async () => {
        assertEnvelope(await anonymous.post('/api/blog/new', { title: 't', content: 'c' }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
      });

      it('takes the author from the session, never from the body', async () => {
        const reply = await lisi.post('/api/blog/new', { title: '冒名', content: 'c', author: 'zhangsan' });
        const { id } = assertEnvelope(reply, 200, 0).data as { id: number };
        assert.equal((assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog).author, 'lisi');
      });

      it('accepts urlencoded forms as the course\'s body parsers do', async () => {
        const reply = await zhangsan.request('POST', '/api/blog/new', { form: { title: '表单标题', content: '表单内容' } });
        const { id } = assertEnvelope(reply, 200, 0).data as { id: number };
        assert.equal((assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog).title, '表单标题');
      });

      it('validates title and content with clear messages', async () => {
        assertEnvelope(await zhangsan.post('/api/blog/new', { title: '   ', content: 'c' }), 200, -1, 'TITLE_REQUIRED', '标题不能为空');
        assertEnvelope(await zhangsan.post('/api/blog/new', { content: 'c' }), 200, -1, 'TITLE_REQUIRED', '标题不能为空');
        assertEnvelope(await zhangsan.post('/api/blog/new', { title: '长'.repeat(101), content: 'c' }), 200, -1, 'TITLE_TOO_LONG', '标题过长: 最多 100 个字符');
        assertEnvelope(await zhangsan.post('/api/blog/new', { title: 't', content: 'x'.repeat(100_001) }), 200, -1, 'CONTENT_TOO_LONG', '内容过长: 最多 100000 个字符');
        assertEnvelope(await zhangsan.post('/api/blog/new', { title: 42, content: 'c' }), 400, -1, 'INVALID_PARAMETER', '参数错误: title 必须是字符串');
        assertEnvelope(await zhangsan.post('/api/blog/new', { title: ['a'], content: 'c' }), 400, -1, 'INVALID_PARAMETER', '参数错误: title 必须是字符串');
        assertEnvelope(await zhangsan.post('/api/blog/new', ['not', 'an', 'object']), 400, -1, 'MALFORMED_BODY', '请求体格式错误: 请求体必须是对象');
      });

      it('trims the title and keeps a 100-character one', async () => {
        const id = await createBlog(zhangsan, `  ${'字'.repeat(100)}  `);
        assert.equal((assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog).title, '字'.repeat(100));
      });

      it('filters XSS from title and content', async () => {
        const id = await createBlog(zhangsan, '<script>alert(1)</script>标题', '<img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><b>粗</b>');
        const blog = assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog;
        assert.equal(blog.title, '&lt;script&gt;alert(1)&lt;/script&gt;标题');
        assert.doesNotMatch(blog.content, /onerror|javascript:|<script/i);
        assert.match(blog.content, /<b>粗<\/b>/);
      });

      it('gives 50 parallel creates 50 distinct ids and loses none', async () => {
        const before = Number((await anonymous.get('/api/blog/list?author=lisi')).headers.get('x-total-count'));
        const ids = await Promise.all(Array.from({ length: 50 }, (_, index) => createBlog(lisi, `并发 ${index}`)));
        assert.equal(new Set(ids).size, 50);
        const after = await anonymous.get('/api/blog/list?author=lisi&pageSize=500');
        assert.equal(Number(after.headers.get('x-total-count')), before + 50);
        const listed = new Set(blogsOf(after.json).map((blog) => blog.id));
        assert.ok(ids.every((id) => listed.has(id)));
      });
    });

    describe('POST /api/blog/update', () => {
      it('updates the author\'s own blog', async () => {
        const id = await createBlog(zhangsan, '旧标题');
        assertEnvelope(await zhangsan.post(`/api/blog/update?id=${id}`, { title: '新标题', content: '新内容' }), 200, 0);
        const blog = assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog & { updatetime: number };
        assert.equal(blog.title, '新标题');
        assert.equal(blog.content, '新内容');
        assert.equal(typeof blog.updatetime, 'number');
      });

      it('refuses someone else\'s blog and a missing one with 更新博客失败', async () => {
        const id = await createBlog(zhangsan, '张三的');
        assertEnvelope(await lisi.post(`/api/blog/update?id=${id}`, { title: '被改', content: 'x' }), 200, -1, 'BLOG_UPDATE_FAILED', '更新博客失败');
        assertEnvelope(await zhangsan.post('/api/blog/update?id=999999999', { title: 't', content: 'c' }), 200, -1, 'BLOG_UPDATE_FAILED', '更新博客失败');
        assert.equal((assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog).title, '张三的');
      });

      it('needs a login, a valid id and a valid title', async () => {
        assertEnvelope(await anonymous.post('/api/blog/update?id=1', { title: 't', content: 'c' }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
        assertEnvelope(await zhangsan.post('/api/blog/update?id=x', { title: 't', content: 'c' }), 400, -1, 'INVALID_PARAMETER', '参数错误: id 必须是正整数');
        const id = await createBlog(zhangsan, '有标题');
        assertEnvelope(await zhangsan.post(`/api/blog/update?id=${id}`, { title: '', content: 'c' }), 200, -1, 'TITLE_REQUIRED', '标题不能为空');
      });
    });

    describe('POST /api/blog/del and /api/blog/delete', () => {
      for (const path of ['/api/blog/del', '/api/blog/delete']) {
        it(`${path} deletes only the author's own blog`, async () => {
          const id = await createBlog(zhangsan, '要删除的');
          assertEnvelope(await lisi.post(`${path}?id=${id}`), 200, -1, 'BLOG_DELETE_FAILED', '删除博客失败');
          assertEnvelope(await anonymous.post(`${path}?id=${id}`), 200, -1, 'SESSION_REQUIRED', '尚未登录');
          assertEnvelope(await zhangsan.post(`${path}?id=${id}`), 200, 0);
          assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, -1, 'BLOG_NOT_FOUND', '博客不存在');
          assertEnvelope(await zhangsan.post(`${path}?id=${id}`), 200, -1, 'BLOG_DELETE_FAILED', '删除博客失败');
          assertEnvelope(await zhangsan.post(`${path}?id=abc`), 400, -1, 'INVALID_PARAMETER', '参数错误: id 必须是正整数');
        });
      }
    });

    describe('user: login, info, logout and their variants', () => {
      it('logs in with a session cookie: HttpOnly, Path=/, SameSite=Lax, 24 h', async () => {
        const reply = await anonymous.post('/api/user/login', { username: 'zhangsan', password: '123' }, { cookie: '' });
        const body = assertEnvelope(reply, 200, 0);
        assert.deepEqual(body.data, { username: 'zhangsan', realname: '张三' });
        const setCookie = reply.headers.get('set-cookie') ?? '';
        assert.match(setCookie, /HttpOnly/i);
        assert.match(setCookie, /Path=\//);
        assert.match(setCookie, /SameSite=Lax/i);
        assert.match(setCookie, /Max-Age=86400/);
        assert.doesNotMatch(setCookie, /Secure/i);
      });

      it('accepts urlencoded logins', async () => {
        const form = client();
        assertEnvelope(await form.request('POST', '/api/user/login', { form: { username: 'lisi', password: '123' } }), 200, 0);
        assertEnvelope(await form.get('/api/user/info'), 200, 0);
      });

      it('fails alike for a wrong password and an unknown user', async () => {
        assertEnvelope(await client().post('/api/user/login', { username: 'zhangsan', password: 'wrong' }), 200, -1, 'LOGIN_FAILED', '登录失败');
        assertEnvelope(await client().post('/api/user/login', { username: 'nobody', password: '123' }), 200, -1, 'LOGIN_FAILED', '登录失败');
        assertEnvelope(await client().post('/api/user/login', {}), 200, -1, 'LOGIN_FAILED', '登录失败');
        assertEnvelope(await client().post('/api/user/login', { username: { $ne: '' }, password: '123' }), 400, -1, 'INVALID_PARAMETER', '参数错误: username 必须是字符串');
      });

      it('answers info and its variants with the session user', async () => {
        for (const path of ['/api/user/info', '/api/user/loginCheck', '/api/user/checkLogin', '/api/user/login-test']) {
          assert.deepEqual(assertEnvelope(await zhangsan.get(path), 200, 0).data, { username: 'zhangsan', realname: '张三' });
          assertEnvelope(await anonymous.get(path), 200, -1, 'SESSION_REQUIRED', '尚未登录');
        }
        for (const path of ['/api/user/loginCheck', '/api/user/checkLogin', '/api/user/login-test']) {
          assertEnvelope(await zhangsan.post(path), 200, 0);
        }
      });

      it('rotates the session id on every login', async () => {
        const user = client();
        await user.login('lisi');
        const first = user.cookie;
        await user.login('lisi');
        assert.notEqual(user.cookie, first);
        assertEnvelope(await user.get('/api/user/info', { cookie: first }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
        assertEnvelope(await user.get('/api/user/info'), 200, 0);
      });

      for (const [method, path] of [['POST', '/api/user/logout'], ['GET', '/api/user/logout'], ['POST', '/api/user/logOut'], ['GET', '/api/user/logOut']] as const) {
        it(`${method} ${path} ends the session on the server`, async () => {
          const user = client();
          await user.login('lisi');
          const replayed = user.cookie;
          const reply = await user.request(method, path);
          assertEnvelope(reply, 200, 0);
          assert.match(reply.headers.get('set-cookie') ?? '', /Max-Age=0/);
          assertEnvelope(await user.get('/api/user/info', { cookie: replayed }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
        });
      }

      it('logs out without a session too', async () => {
        assertEnvelope(await client().post('/api/user/logout'), 200, 0);
      });

      it('ignores forged and malformed session cookies', async () => {
        for (const cookie of ['blog_sid=abc', 'blog_sid=abc.def', 'blog_sid=', 'blog_sid=%', 'other=1; blog_sid="x.y"', 'garbage']) {
          assertEnvelope(await anonymous.get('/api/user/info', { cookie }), 200, -1, 'SESSION_REQUIRED', '尚未登录');
          assertEnvelope(await anonymous.get('/api/blog/list', { cookie }), 200, 0);
        }
      });

      it('keeps GET /api/user/login off unless configured', async () => {
        assertEnvelope(await anonymous.get('/api/user/login?username=zhangsan&password=123'), 405, -1, 'METHOD_NOT_ALLOWED', '请求方法不允许');
      });
    });

    describe('protocol failures answer with their real status, in the envelope', () => {
      it('404 for an unknown route', async () => {
        assertEnvelope(await anonymous.get('/api/nothing'), 404, -1, 'ROUTE_NOT_FOUND', '接口不存在');
        assertEnvelope(await anonymous.post('/api/blog/nothing', {}), 404, -1, 'ROUTE_NOT_FOUND', '接口不存在');
      });

      it('405 with Allow for a known path and a wrong method', async () => {
        const reply = await anonymous.request('DELETE', '/api/blog/list');
        assertEnvelope(reply, 405, -1, 'METHOD_NOT_ALLOWED', '请求方法不允许');
        assert.equal(reply.headers.get('allow'), 'GET, HEAD');
        const post = await anonymous.request('GET', '/api/blog/new');
        assertEnvelope(post, 405, -1, 'METHOD_NOT_ALLOWED', '请求方法不允许');
        assert.equal(post.headers.get('allow'), 'POST');
      });

      it('400 for malformed JSON', async () => {
        const reply = await zhangsan.request('POST', '/api/blog/new', { raw: '{"title": "x",', contentType: 'application/json' });
        assertEnvelope(reply, 400, -1, 'MALFORMED_BODY', '请求体格式错误: JSON 格式错误');
      });

      it('413 for a body over 1 MiB', async () => {
        const reply = await zhangsan.request('POST', '/api/blog/new', { raw: JSON.stringify({ title: 't', content: 'x'.repeat(1024 * 1024) }), contentType: 'application/json' });
        assertEnvelope(reply, 413, -1, 'BODY_TOO_LARGE', '请求体过大: 最多 1048576 字节');
        assertEnvelope(await anonymous.get('/api/blog/list?pageSize=1'), 200, 0);
      });

      it('HEAD answers a GET route without a body', async () => {
        const reply = await anonymous.request('HEAD', '/api/blog/list?pageSize=1');
        assert.equal(reply.status, 200);
        assert.equal(reply.text, '');
        assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
      });
    });

    describe('injection', () => {
      it('treats SQL in every parameter and field as data', async () => {
        const total = (await anonymous.get('/api/blog/list')).headers.get('x-total-count');
        for (const payload of injectionPayloads) {
          const encoded = encodeURIComponent(payload);
          assertEnvelope(await anonymous.get(`/api/blog/list?author=${encoded}`), 200, 0);
          assert.deepEqual(blogsOf((await anonymous.get(`/api/blog/list?author=${encoded}`)).json), []);
          assertEnvelope(await anonymous.get(`/api/blog/list?keyword=${encoded}`), 200, 0);
          assertEnvelope(await anonymous.get(`/api/blog/detail?id=${encoded}`), 400, -1, 'INVALID_PARAMETER', '参数错误: id 必须是正整数');
          assertEnvelope(await zhangsan.post(`/api/blog/update?id=${encoded}`, { title: 't', content: 'c' }), 400, -1, 'INVALID_PARAMETER', '参数错误: id 必须是正整数');
          assertEnvelope(await client().post('/api/user/login', { username: payload, password: payload }), 200, -1, 'LOGIN_FAILED', '登录失败');
          assertEnvelope(await client().post('/api/user/login', { username: 'zhangsan', password: payload }), 200, -1, 'LOGIN_FAILED', '登录失败');
        }
        const id = await createBlog(zhangsan, injectionPayloads[0]!, injectionPayloads[1]!);
        const blog = assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0).data as ApiBlog;
        assert.equal(blog.content, injectionPayloads[1]);
        assert.equal(Number((await anonymous.get('/api/blog/list')).headers.get('x-total-count')), Number(total) + 1);
      });
    });

    describe('login rate limiting', () => {
      let limited: TestServer;
      before(async () => {
        limited = await cell.start({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '6' } });
      });
      after(() => limited.close());

      it('answers 429 with Retry-After after too many failures, and only for that user and address', async () => {
        const attacker = new Client(limited.url);
        for (let attempt = 0; attempt < 3; attempt += 1) {
          assertEnvelope(await attacker.post('/api/user/login', { username: 'zhangsan', password: 'guess' }), 200, -1, 'LOGIN_FAILED', '登录失败');
        }
        const locked = await attacker.post('/api/user/login', { username: 'zhangsan', password: '123' });
        assertEnvelope(locked, 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
        assert.ok(Number(locked.headers.get('retry-after')) > 0);
        // Another user from the same address is not locked out.
        const other = new Client(limited.url);
        await other.login('lisi');
      });

      it('limits one address across usernames', async () => {
        const sprayer = new Client(limited.url);
        let status = 200;
        for (let attempt = 0; attempt < 8 && status === 200; attempt += 1) {
          status = (await sprayer.post('/api/user/login', { username: `user${attempt}`, password: 'x' })).status;
        }
        assert.equal(status, 429);
      });
    });

    describe('restart', () => {
      it('keeps data, and sessions when the store persists them', async () => {
        const restarted = await cell.start();
        try {
          const user = new Client(restarted.url);
          await user.login('zhangsan');
          const id = await (async () => {
            const reply = await user.post('/api/blog/new', { title: '重启之前', content: 'c' });
            return (assertEnvelope(reply, 200, 0).data as { id: number }).id;
          })();
          await restarted.restart();
          user.baseUrl = restarted.url;
          assertEnvelope(await user.get(`/api/blog/detail?id=${id}`), 200, 0);
          const info = await user.get('/api/user/info');
          if (cell.sessionStore === 'memory') assertEnvelope(info, 200, -1, 'SESSION_REQUIRED', '尚未登录');
          else assertEnvelope(info, 200, 0);
        } finally {
          await restarted.close();
        }
      });
    });
  });
}
