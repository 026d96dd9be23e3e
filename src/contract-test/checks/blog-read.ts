/** Reading blogs: the list with its filters and paging, and one blog's detail. */
import { strict as assert } from 'node:assert';
import type { ApiBlog, Check } from '../check.ts';
import { assertNewestFirst, blogsOf, listed } from './helpers.ts';

const list = 'GET /api/blog/list';
const detail = 'GET /api/blog/detail';

export const blogReadChecks: readonly Check[] = [
  {
    group: list,
    name: 'lists blogs newest first, as blog objects',
    async run(context) {
      const blogs = await listed(context, '');
      if (context.strict) assert.ok(blogs.length >= 3, 'demo posts are listed');
      for (const blog of blogs) {
        assert.equal(typeof blog.id, 'number');
        assert.equal(typeof blog.title, 'string');
        assert.equal(typeof blog.content, 'string');
        assert.equal(typeof blog.createtime, 'number', 'createtime is milliseconds, a number');
        assert.equal(typeof blog.author, 'string');
      }
      assertNewestFirst(blogs);
    },
  },
  {
    group: list,
    name: 'filters by exact author; empty parameters do not filter',
    writes: true,
    async run(context) {
      const other = context.otherCredentials.username;
      await context.createBlog(context.other, `作者过滤 ${context.token}`);
      const all = await listed(context, '');
      const mine = await listed(context, `author=${encodeURIComponent(other)}`);
      assert.ok(mine.length > 0 && mine.every((blog) => blog.author === other), `only ${other}'s blogs`);
      const prefix = other.slice(0, -1);
      assert.ok((await listed(context, `author=${encodeURIComponent(prefix)}`)).every((blog) => blog.author === prefix), 'author is exact, not a prefix');
      assert.deepEqual((await listed(context, 'author=&keyword=')).map((blog) => blog.id), all.map((blog) => blog.id));
    },
  },
  {
    group: list,
    name: 'searches titles case-insensitively, CJK included',
    writes: true,
    async run(context) {
      const { token } = context;
      const upper = await context.createBlog(context.user, `Keyword MixedCase${token} 搜索${token}测试`);
      const ids = async (keyword: string) => (await listed(context, `keyword=${encodeURIComponent(keyword)}`)).map((blog) => blog.id);
      assert.deepEqual(await ids(`mixedcase${token}`), [upper]);
      assert.deepEqual(await ids(`搜索${token}测`), [upper]);
      const both = await listed(context, `keyword=${encodeURIComponent(`搜索${token}`)}&author=${encodeURIComponent(context.userCredentials.username)}`);
      assert.deepEqual(both.map((blog) => blog.id), [upper]);
    },
  },
  {
    group: list,
    name: 'takes % and _ in a keyword literally',
    optional: 'blog-server escapes LIKE wildcards; the course passes them to SQL',
    writes: true,
    async run(context) {
      const { token } = context;
      const literal = await context.createBlog(context.user, `${token} 100%_done`);
      const plain = await context.createBlog(context.user, `${token} 100x1done`);
      const ids = async (keyword: string) => (await listed(context, `keyword=${encodeURIComponent(keyword)}`)).map((blog) => blog.id);
      assert.deepEqual(await ids(`${token} 100%_`), [literal], '% and _ match themselves');
      const underscore = await ids('_');
      assert.ok(underscore.includes(literal) && !underscore.includes(plain), 'a lone _ is not a wildcard');
    },
  },
  {
    group: list,
    name: 'isadmin=1 needs a login and forces the author to the logged-in user',
    async run(context) {
      context.expect.failure(await context.anonymous.get('/api/blog/list?isadmin=1'), 'SESSION_REQUIRED');
      const other = context.otherCredentials.username;
      const own = blogsOf(context.expect.success(await context.other.get(`/api/blog/list?isadmin=1&author=${encodeURIComponent(context.userCredentials.username)}`)));
      assert.ok(own.every((blog) => blog.author === other), `only ${other}'s own blogs`);
    },
  },
  {
    group: list,
    name: 'counts the matches in X-Total-Count',
    optional: 'X-Total-Count is blog-server\'s',
    async run(context) {
      const reply = await context.anonymous.get('/api/blog/list?pageSize=500');
      const blogs = blogsOf(context.expect.success(reply));
      const header = reply.headers.get('x-total-count');
      assert.ok(header !== null, 'an X-Total-Count header');
      const total = Number(header);
      assert.ok(Number.isInteger(total) && total >= blogs.length, `X-Total-Count ${header}`);
      if (total <= 500) assert.equal(total, blogs.length);
    },
  },
  {
    group: list,
    name: 'pages with page and pageSize, and links the pages',
    optional: 'paging (page, pageSize, Link) is blog-server\'s',
    writes: true,
    async run(context) {
      for (let index = 0; index < 3; index += 1) await context.createBlog(context.user, `分页 ${index} ${context.token}`);
      const { anonymous, expect } = context;
      const total = Number((await anonymous.get('/api/blog/list')).headers.get('x-total-count'));
      const first = await anonymous.get('/api/blog/list?page=1&pageSize=2');
      const second = await anonymous.get('/api/blog/list?page=2&pageSize=2');
      const [a, b] = [blogsOf(expect.success(first)), blogsOf(expect.success(second))];
      assert.equal(a.length, 2);
      assert.ok(b.length >= 1);
      assert.ok(a.every((blog) => !b.some((other) => other.id === blog.id)), 'pages do not overlap');
      assert.ok((a[1]?.createtime ?? 0) >= (b[0]?.createtime ?? 0));
      assert.equal(first.headers.get('x-total-count'), String(total));
      const link = first.headers.get('link') ?? '';
      assert.match(link, /<\/api\/blog\/list\?page=2&pageSize=2>; rel="next"/);
      assert.match(link, new RegExp(`<\\/api\\/blog\\/list\\?page=${Math.ceil(total / 2)}&pageSize=2>; rel="last"`));
      assert.doesNotMatch((await anonymous.get(`/api/blog/list?page=${Math.ceil(total / 2)}&pageSize=2`)).headers.get('link') ?? '', /rel="next"/);
      assert.deepEqual(blogsOf(expect.success(await anonymous.get('/api/blog/list?page=999999&pageSize=2'))), []);
    },
  },
  {
    group: list,
    name: 'keeps the filters in Link and clamps a huge pageSize',
    optional: 'paging (page, pageSize, Link) is blog-server\'s',
    async run(context) {
      const user = encodeURIComponent(context.userCredentials.username);
      const reply = await context.anonymous.get(`/api/blog/list?author=${user}&pageSize=1`);
      context.expect.success(reply);
      if (Number(reply.headers.get('x-total-count')) > 1) assert.match(reply.headers.get('link') ?? '', new RegExp(`author=${user}&pageSize=1&page=2>; rel="next"`));
      const huge = await context.anonymous.get('/api/blog/list?pageSize=100000');
      context.expect.success(huge);
      assert.match(huge.headers.get('link') ?? '', /pageSize=500[&>]/);
    },
  },
  {
    group: list,
    name: 'rejects a page or pageSize that is not a positive integer with 400',
    optional: 'input validation with 400 is blog-server\'s',
    async run(context) {
      for (const [query, field] of [['page=0', 'page'], ['page=-1', 'page'], ['page=abc', 'page'], ['pageSize=1.5', 'pageSize'], ['pageSize=0', 'pageSize']] as const) {
        context.expect.failure(await context.anonymous.get(`/api/blog/list?${query}`), 'INVALID_PARAMETER', `${field} 必须是正整数`);
      }
    },
  },
  {
    group: list,
    name: 'parses query strings leniently (unknown keys, empty pairs, bare %)',
    async run(context) {
      for (const query of ['1=1', '&&', 'author=&keyword=', 'keyword=%', 'keyword=%E4%B8', '=&=x&a', 'keyword=100%25%', 'author[]=x', 'author=a&author=b']) {
        context.expect.success(await context.anonymous.get(`/api/blog/list?${query}`));
      }
    },
  },
  {
    group: detail,
    name: 'answers the blog',
    writes: true,
    async run(context) {
      const id = await context.createBlog(context.user, `详情测试 ${context.token}`, '正文 ✓ 😀');
      const blog = context.expect.success(await context.anonymous.get(`/api/blog/detail?id=${id}`)).data as ApiBlog;
      assert.equal(blog.id, id);
      assert.equal(blog.title, `详情测试 ${context.token}`);
      assert.equal(blog.content, '正文 ✓ 😀');
      assert.equal(blog.author, context.userCredentials.username);
      assert.ok(Math.abs(blog.createtime - Date.now()) < 10 * 60_000, `createtime ${blog.createtime} is now, in milliseconds`);
    },
  },
  {
    group: detail,
    name: 'answers 博客不存在 for a missing blog',
    optional: 'the course answers errno 0 without data for a missing blog',
    async run(context) {
      context.expect.failure(await context.anonymous.get('/api/blog/detail?id=999999999'), 'BLOG_NOT_FOUND');
    },
  },
  {
    group: detail,
    name: 'rejects an id that is not a positive integer with 400',
    optional: 'input validation with 400 is blog-server\'s',
    async run(context) {
      for (const query of ['', 'id=', 'id=abc', 'id=0', 'id=-3', 'id=1.5', 'id=99999999999999999999']) {
        context.expect.failure(await context.anonymous.get(`/api/blog/detail?${query}`), 'INVALID_PARAMETER', 'id 必须是正整数');
      }
    },
  },
  {
    group: detail,
    name: 'isadmin=1 answers only the logged-in user\'s own blog',
    optional: 'a variant of copies of the course',
    writes: true,
    async run(context) {
      const id = await context.createBlog(context.user, `只给作者看 ${context.token}`);
      context.expect.success(await context.user.get(`/api/blog/detail?id=${id}&isadmin=1`));
      context.expect.failure(await context.other.get(`/api/blog/detail?id=${id}&isadmin=1`), 'BLOG_NOT_FOUND');
      context.expect.failure(await context.anonymous.get(`/api/blog/detail?id=${id}&isadmin=1`), 'SESSION_REQUIRED');
    },
  },
];
