/** Writing blogs: new, update, del and its variant, with their login and ownership rules. */
import { strict as assert } from 'node:assert';
import type { ApiBlog, Check, CheckContext } from '../check.ts';
import { assertGone, blogsOf, skipWhenMissing } from './helpers.ts';

const create = 'POST /api/blog/new';
const update = 'POST /api/blog/update';

async function newId(context: CheckContext, reply: Awaited<ReturnType<CheckContext['user']['post']>>): Promise<number> {
  const { id } = context.expect.success(reply).data as { id: number };
  assert.equal(typeof id, 'number', `data.id: ${reply.text.slice(0, 200)}`);
  return id;
}

/** Checks of `/api/blog/del` or the copies' `/api/blog/delete`. */
function deleteChecks(path: string, optional?: string): Check[] {
  const group = `POST ${path}`;
  const variant = optional === undefined ? {} : { optional };
  return [
    {
      group,
      name: 'deletes the author\'s own blog, once',
      writes: true,
      ...variant,
      async run(context) {
        const id = await context.createBlog(context.user, `要删除的 ${context.token}`);
        const reply = await context.user.post(`${path}?id=${id}`);
        skipWhenMissing(context, reply.status, path);
        context.expect.success(reply);
        await assertGone(context, id);
        context.expect.failure(await context.user.post(`${path}?id=${id}`), 'BLOG_DELETE_FAILED');
      },
    },
    {
      group,
      name: 'refuses someone else\'s blog, and anyone without a login',
      writes: true,
      ...variant,
      async run(context) {
        const id = await context.createBlog(context.user, `别人删不了 ${context.token}`);
        const reply = await context.other.post(`${path}?id=${id}`);
        skipWhenMissing(context, reply.status, path);
        context.expect.failure(reply, 'BLOG_DELETE_FAILED');
        context.expect.failure(await context.anonymous.post(`${path}?id=${id}`), 'SESSION_REQUIRED');
        await context.detail(id);
      },
    },
    {
      group,
      name: 'rejects an id that is not a positive integer with 400',
      optional: optional ?? 'input validation with 400 is blog-server\'s',
      async run(context) {
        context.expect.failure(await context.user.post(`${path}?id=abc`), 'INVALID_PARAMETER', 'id 必须是正整数');
      },
    },
  ];
}

export const blogWriteChecks: readonly Check[] = [
  {
    group: create,
    name: 'needs a login',
    async run(context) {
      context.expect.failure(await context.anonymous.post('/api/blog/new', { title: 't', content: 'c' }), 'SESSION_REQUIRED');
    },
  },
  {
    group: create,
    name: 'takes the author from the session, never from the body',
    writes: true,
    async run(context) {
      const { username } = context.userCredentials;
      const id = await context.createBlog(context.other, `冒名 ${context.token}`, 'c');
      const forged = await newId(context, await context.other.post('/api/blog/new', { title: `冒名 ${context.token}`, content: 'c', author: username }));
      await context.adopt(context.other, forged);
      for (const blogId of [id, forged]) assert.equal((await context.detail(blogId)).author, context.otherCredentials.username);
    },
  },
  {
    group: create,
    name: 'accepts urlencoded forms as the course\'s body parsers do',
    writes: true,
    async run(context) {
      const id = await newId(context, await context.user.request('POST', '/api/blog/new', { form: { title: `表单标题 ${context.token}`, content: '表单内容' } }));
      await context.adopt(context.user, id);
      assert.equal((await context.detail(id)).title, `表单标题 ${context.token}`);
    },
  },
  {
    group: create,
    name: 'validates title and content with clear messages',
    optional: 'the value rules (required title, lengths, types) are blog-server\'s',
    writes: true,
    async run(context) {
      const { user, expect } = context;
      expect.failure(await user.post('/api/blog/new', { title: '   ', content: 'c' }), 'TITLE_REQUIRED');
      expect.failure(await user.post('/api/blog/new', { content: 'c' }), 'TITLE_REQUIRED');
      expect.failure(await user.post('/api/blog/new', { title: '长'.repeat(101), content: 'c' }), 'TITLE_TOO_LONG', '最多 100 个字符');
      expect.failure(await user.post('/api/blog/new', { title: 't', content: 'x'.repeat(100_001) }), 'CONTENT_TOO_LONG', '最多 100000 个字符');
      expect.failure(await user.post('/api/blog/new', { title: 42, content: 'c' }), 'INVALID_PARAMETER', 'title 必须是字符串');
      expect.failure(await user.post('/api/blog/new', { title: ['a'], content: 'c' }), 'INVALID_PARAMETER', 'title 必须是字符串');
    },
  },
  {
    group: create,
    name: 'trims the title and keeps a 100-character one',
    optional: 'the value rules (required title, lengths, types) are blog-server\'s',
    writes: true,
    async run(context) {
      const id = await context.createBlog(context.user, `  ${'字'.repeat(100)}  `);
      assert.equal((await context.detail(id)).title, '字'.repeat(100));
    },
  },
  {
    group: create,
    name: 'gives 50 parallel creates 50 distinct ids and loses none',
    writes: true,
    async run(context) {
      const ids = await Promise.all(Array.from({ length: 50 }, (_, index) => context.createBlog(context.other, `并发 ${index} ${context.token}`)));
      assert.equal(new Set(ids).size, 50);
      const after = blogsOf(context.expect.success(await context.anonymous.get(`/api/blog/list?author=${encodeURIComponent(context.otherCredentials.username)}&pageSize=500`)));
      const listed = new Set(after.map((blog) => blog.id));
      assert.ok(ids.every((id) => listed.has(id)), 'every new blog is listed');
    },
  },
  {
    group: update,
    name: 'updates the author\'s own blog',
    writes: true,
    async run(context) {
      const id = await context.createBlog(context.user, `旧标题 ${context.token}`);
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title: `新标题 ${context.token}`, content: '新内容' }));
      const blog = await context.detail(id) as ApiBlog & { updatetime?: unknown };
      assert.equal(blog.title, `新标题 ${context.token}`);
      assert.equal(blog.content, '新内容');
      if (context.strict) assert.equal(typeof blog.updatetime, 'number');
    },
  },
  {
    group: update,
    name: 'refuses someone else\'s blog and a missing one with 更新博客失败',
    writes: true,
    async run(context) {
      const title = `张三的 ${context.token}`;
      const id = await context.createBlog(context.user, title);
      context.expect.failure(await context.other.post(`/api/blog/update?id=${id}`, { title: '被改', content: 'x' }), 'BLOG_UPDATE_FAILED');
      context.expect.failure(await context.user.post('/api/blog/update?id=999999999', { title: 't', content: 'c' }), 'BLOG_UPDATE_FAILED');
      assert.equal((await context.detail(id)).title, title);
    },
  },
  {
    group: update,
    name: 'needs a login',
    writes: true,
    async run(context) {
      const title = `要登录 ${context.token}`;
      const id = await context.createBlog(context.user, title);
      context.expect.failure(await context.anonymous.post(`/api/blog/update?id=${id}`, { title: 't', content: 'c' }), 'SESSION_REQUIRED');
      assert.equal((await context.detail(id)).title, title);
    },
  },
  {
    group: update,
    name: 'rejects a bad id with 400 and an empty title with 标题不能为空',
    optional: 'input validation and the value rules are blog-server\'s',
    writes: true,
    async run(context) {
      context.expect.failure(await context.user.post('/api/blog/update?id=x', { title: 't', content: 'c' }), 'INVALID_PARAMETER', 'id 必须是正整数');
      const id = await context.createBlog(context.user, `有标题 ${context.token}`);
      context.expect.failure(await context.user.post(`/api/blog/update?id=${id}`, { title: '', content: 'c' }), 'TITLE_REQUIRED');
    },
  },
  ...deleteChecks('/api/blog/del'),
  ...deleteChecks('/api/blog/delete', 'a variant of copies of the course'),
];
