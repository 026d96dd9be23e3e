/**
 * What an attacker sends: SQL in every parameter and field, markup that would run in a reader's
 * browser, and a second user's requests on the first user's blogs.
 */
import { strict as assert } from 'node:assert';
import type { Check, CheckContext } from '../check.ts';
import { listed } from './helpers.ts';

const group = 'attacks';

/** SQL that changes a string-built query's meaning; each must read as plain data. */
export const injectionPayloads: readonly string[] = [`' OR '1'='1`, `1; DROP TABLE blogs; --`, `" OR ""="`, `zhangsan' --`, `\\' OR 1=1 #`, `%' OR title LIKE '%`, `0 OR 1=1`, `1 OR 1=1`, `1) OR (1=1`];

/** A tag that runs script: a dangerous element, an event handler, a javascript: URL (escaped text is harmless). */
const liveMarkup = /<(?:script|iframe|svg|object|embed)\b|<[a-z][^>]*\s(?:on[a-z]+\s*=|(?:href|src)\s*=\s*["']?\s*javascript:)/i;

/** A blog of the other user whose title must survive everything the check sends. */
async function canary(context: CheckContext): Promise<{ id: number; title: string }> {
  const title = `金丝雀 ${context.token}`;
  return { id: await context.createBlog(context.other, title), title };
}

async function assertIntact(context: CheckContext, blog: { id: number; title: string }): Promise<void> {
  assert.equal((await context.detail(blog.id)).title, blog.title, `blog ${blog.id} is unchanged`);
}

export const attackChecks: readonly Check[] = [
  {
    group,
    name: 'treats SQL in the list\'s author and keyword as data',
    async run(context) {
      for (const payload of injectionPayloads) {
        const encoded = encodeURIComponent(payload);
        const byAuthor = await listed(context, `author=${encoded}`);
        assert.ok(byAuthor.every((blog) => blog.author === payload), `author=${payload} lists only that author's blogs, not ${byAuthor.length} others`);
        const byKeyword = await listed(context, `keyword=${encoded}`);
        assert.ok(byKeyword.every((blog) => blog.title.toLowerCase().includes(payload.toLowerCase())), `keyword=${payload} lists only titles containing it, not ${byKeyword.length} others`);
        const both = await listed(context, `author=${encoded}&keyword=${encoded}&isadmin=`);
        assert.ok(both.every((blog) => blog.author === payload), `author=${payload}&keyword= lists only that author's blogs`);
      }
    },
  },
  {
    group,
    name: 'treats SQL in ids (detail, update, del) as data',
    writes: true,
    async run(context) {
      const target = await canary(context);
      const own = await context.createBlog(context.user, `自己的 ${context.token}`);
      for (const payload of injectionPayloads) {
        const encoded = encodeURIComponent(payload);
        const detail = await context.anonymous.get(`/api/blog/detail?id=${encoded}`);
        assert.ok(detail.status < 500, `detail?id=${payload} answered ${detail.status}`);
        if (detail.status === 200 && detail.json.errno === 0) assert.ok(detail.json.data === undefined || detail.json.data === null, `detail?id=${payload} answered a blog`);
        if (context.strict) context.expect.failure(detail, 'INVALID_PARAMETER', 'id 必须是正整数');
        const updated = await context.other.post(`/api/blog/update?id=${encoded}`, { title: `注入 ${context.token}`, content: 'c' });
        assert.ok(updated.status >= 400 || updated.json.errno === -1, `update?id=${payload} succeeded`);
        const removed = await context.other.post(`/api/blog/del?id=${encoded}`);
        assert.ok(removed.status >= 400 || removed.json.errno === -1, `del?id=${payload} succeeded`);
      }
      await assertIntact(context, target);
      await context.detail(own);
    },
  },
  {
    group,
    name: 'treats SQL in login fields as data',
    async run(context) {
      // Few attempts, spread over both users and ending in a good login, which clears the failures:
      // a login limiter must not lock the users out for the rest of the run, or the next one.
      for (const credentials of [context.userCredentials, context.otherCredentials]) {
        const { username } = credentials;
        for (const password of [`' OR '1'='1`, `' OR 1=1 -- `, `" OR ""="`]) {
          context.expect.failure(await context.client().post('/api/user/login', { username, password }), 'LOGIN_FAILED');
        }
        for (const forged of [`${username}' -- `, `${username}' #`, `${username}'/*`]) {
          context.expect.failure(await context.client().post('/api/user/login', { username: forged, password: 'x' }), 'LOGIN_FAILED');
        }
        await context.loggedIn(credentials);
      }
      context.expect.failure(await context.client().post('/api/user/login', { username: `' OR '1'='1`, password: `' OR '1'='1` }), 'LOGIN_FAILED');
    },
  },
  {
    group,
    name: 'an object where a login field belongs logs nobody in',
    async run(context) {
      const reply = await context.client().post('/api/user/login', { username: { $ne: '' }, password: { $ne: '' } });
      if (context.strict) context.expect.failure(reply, 'INVALID_PARAMETER', 'username 必须是字符串');
      else assert.ok(reply.status >= 400 || reply.json.errno === -1, `answered ${reply.status} ${reply.text.slice(0, 100)}`);
    },
  },
  {
    group,
    name: 'stores SQL in titles and content as written',
    writes: true,
    async run(context) {
      for (const payload of injectionPayloads) {
        const id = await context.createBlog(context.user, `${payload} ${context.token}`, payload);
        const blog = await context.detail(id);
        assert.equal(blog.content, payload);
        assert.ok(blog.title.includes(context.token), 'the title is kept');
      }
    },
  },
  {
    group,
    name: 'filters stored XSS from title and content (new and update)',
    writes: true,
    async run(context) {
      const title = '<script>alert(1)</script>标题';
      const content = '<img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><svg onload=alert(1)></svg><iframe src="javascript:alert(1)"></iframe><b>粗</b>';
      const id = await context.createBlog(context.user, title, content);
      const check = async () => {
        const blog = await context.detail(id);
        assert.doesNotMatch(blog.title, liveMarkup, 'the title has no live markup');
        assert.doesNotMatch(blog.content, liveMarkup, 'the content has no live markup');
        assert.match(blog.content, /<b>粗<\/b>/, 'harmless markup stays');
        if (context.strict) assert.equal(blog.title, '&lt;script&gt;alert(1)&lt;/script&gt;标题');
        const inList = (await listed(context, `author=${encodeURIComponent(context.userCredentials.username)}&pageSize=500`)).find((listedBlog) => listedBlog.id === id);
        assert.ok(inList !== undefined && !liveMarkup.test(inList.title + inList.content), 'the list answers it filtered too');
      };
      await check();
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title, content }));
      await check();
    },
  },
];
