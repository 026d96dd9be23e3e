/**
 * Writing as on a blog platform (issue 17): drafts, scheduled posts, Markdown, revisions, restore,
 * autosave and preview — blog-server's additions, optional on another server. A course client that
 * never sends the new fields sees what it saw before; these checks use them.
 */
import { strict as assert } from 'node:assert';
import type { Check, CheckContext } from '../check.ts';
import type { Client, Reply } from '../http-client.ts';
import { blogsOf } from './helpers.ts';

const optional = 'drafts, schedules, Markdown and revisions are blog-server\'s';

/** A blog with the fields issue 17 adds. */
interface Post {
  id: number;
  title: string;
  content: string;
  createtime: number;
  author: string;
  status: string;
  publishtime: number | null;
  format: string;
  source: string | null;
}

interface RevisionSummary {
  revision: number;
  time: number;
  title: string;
  kind: string;
  format: string;
}

async function write(context: CheckContext, as: Client, body: Record<string, unknown>): Promise<number> {
  const reply = await as.post('/api/blog/new', { content: '', ...body });
  const { id } = context.expect.success(reply).data as { id: number };
  assert.equal(typeof id, 'number', `data.id: ${reply.text.slice(0, 200)}`);
  await context.adopt(as, id);
  return id;
}

async function own(context: CheckContext, id: number, as: Client = context.user): Promise<Post> {
  return context.expect.success(await as.get(`/api/blog/detail?isadmin=1&id=${id}`)).data as Post;
}

function totalOf(reply: Reply): number {
  const header = reply.headers.get('x-total-count');
  assert.ok(header !== null, 'an X-Total-Count header');
  return Number(header);
}

/** The anonymous list of the user's posts (large page): its ids and X-Total-Count. */
async function authorList(context: CheckContext, query = ''): Promise<{ ids: number[]; total: number }> {
  const author = encodeURIComponent(context.userCredentials.username);
  const reply = await context.anonymous.get(`/api/blog/list?author=${author}&pageSize=1000${query}`);
  return { ids: blogsOf(context.expect.success(reply)).map((blog) => blog.id), total: totalOf(reply) };
}

async function ownList(context: CheckContext, query = ''): Promise<{ posts: Post[]; total: number }> {
  const reply = await context.user.get(`/api/blog/list?isadmin=1&pageSize=1000${query}`);
  return { posts: context.expect.success(reply).data as Post[], total: totalOf(reply) };
}

async function revisionsOf(context: CheckContext, id: number): Promise<RevisionSummary[]> {
  return context.expect.success(await context.user.get(`/api/blog/revisions?id=${id}`)).data as RevisionSummary[];
}

/** Asserts the anonymous reader cannot see the post anywhere: detail, the author's list, the counts. */
async function assertHidden(context: CheckContext, id: number, title: string): Promise<void> {
  context.expect.failure(await context.anonymous.get(`/api/blog/detail?id=${id}`), 'BLOG_NOT_FOUND');
  context.expect.failure(await context.other.get(`/api/blog/detail?id=${id}`), 'BLOG_NOT_FOUND');
  assert.ok(!(await authorList(context)).ids.includes(id), `post ${id} is not in the author= list`);
  const everyone = blogsOf(context.expect.success(await context.anonymous.get('/api/blog/list?pageSize=1000')));
  assert.ok(!everyone.some((blog) => blog.id === id), `post ${id} is not in the list`);
  const keyword = blogsOf(context.expect.success(await context.anonymous.get(`/api/blog/list?keyword=${encodeURIComponent(title)}`)));
  assert.ok(!keyword.some((blog) => blog.id === id), `post ${id} is not found by keyword=`);
  const search = blogsOf(context.expect.success(await context.anonymous.get(`/api/blog/list?search=${encodeURIComponent(title)}`)));
  assert.ok(!search.some((blog) => blog.id === id), `post ${id} is not found by search=`);
}

/**
 * What in `html` could run script: a tag that runs or embeds, an `on…` attribute, a link or source
 * to a script or data URL. Markup escaped to text (`&lt;img …&gt;`) is text and not listed.
 */
export function activeMarkup(html: string): string[] {
  const found: string[] = [];
  const tag = /<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
  const attribute = /([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;
  for (const [, name = '', attributes = ''] of html.matchAll(tag)) {
    if (/^(script|iframe|object|embed|style|svg|math|form|base|meta|link)$/i.test(name)) found.push(`<${name}>`);
    for (const [, attributeName = '', value = ''] of attributes.matchAll(attribute)) {
      if (/^on/i.test(attributeName)) found.push(`${name} ${attributeName}`);
      const unquoted = value.replace(/^["']|["']$/g, '').replace(/&#x?0*9;|&#x?0*a;|&tab;|&newline;|\s/gi, '');
      if (/^(href|src|action|formaction|xlink:href)$/i.test(attributeName) && /^(javascript|vbscript|data):/i.test(unquoted)) found.push(`${name} ${attributeName}=${value}`);
    }
  }
  return found;
}

const xssSources = [
  '[x](javascript:alert(1))',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<javascript:alert(1)>',
  '![a](data:image/png;base64,iVBORw0KGgo=) [b](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[a](http://x "\\"><img src=x onerror=alert(1)>")',
  '[j](JaVaScRiPt:alert(1)) [k](java&#x09;script:alert(1)) [v](vbscript:msgbox(1))',
];

export const writingChecks: readonly Check[] = [
  {
    group: 'drafts',
    name: 'a draft is invisible anonymously, in author= lists, in X-Total-Count and in keyword=/search=; its author sees it',
    optional,
    writes: true,
    async run(context) {
      const before = await authorList(context);
      const ownBefore = await ownList(context);
      const title = `草稿 ${context.token} draftword${context.token}`;
      const id = await write(context, context.user, { title, content: '<p>未发布</p>', status: 'draft' });
      await assertHidden(context, id, `draftword${context.token}`);
      assert.equal((await authorList(context)).total, before.total, 'X-Total-Count of author= ignores the draft');
      const mine = await own(context, id);
      assert.equal(mine.status, 'draft');
      assert.equal(mine.publishtime, null);
      const shown = context.expect.success(await context.user.get(`/api/blog/detail?id=${id}`)).data as Post;
      assert.equal(shown.id, id, 'the author sees the draft with detail?id= (the course\'s edit page)');
      const ownAfter = await ownList(context);
      assert.equal(ownAfter.total, ownBefore.total + 1, 'isadmin=1 counts the draft');
      assert.equal(ownAfter.posts.find((post) => post.id === id)?.status, 'draft');
      const drafts = await ownList(context, '&status=draft');
      assert.ok(drafts.posts.some((post) => post.id === id) && drafts.posts.every((post) => post.status === 'draft'), 'status=draft keeps drafts');
      assert.equal(drafts.total, drafts.posts.length);
      const published = await ownList(context, '&status=published');
      assert.ok(!published.posts.some((post) => post.id === id), 'status=published leaves the draft out');
      // Publishing it without a time publishes it now.
      const publishedAt = Date.now();
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title, content: '<p>已发布</p>', status: 'published' }));
      const live = await context.detail(id);
      assert.ok((live as Post).status === 'published' && live.createtime >= publishedAt - 60_000, `published now: ${JSON.stringify(live).slice(0, 200)}`);
      const after = await authorList(context);
      assert.ok(after.ids.includes(id));
      assert.equal(after.total, before.total + 1, 'X-Total-Count counts it once published');
    },
  },
  {
    group: 'scheduled posts',
    name: 'a post scheduled ahead is invisible, then visible at its time without any request doing anything',
    optional,
    writes: true,
    async run(context) {
      const before = await authorList(context);
      // The server's clock, not this machine's: a draft's createtime is when the server made it.
      const sent = Date.now();
      const clock = await own(context, await write(context, context.user, { title: `时钟 ${context.token}`, status: 'draft' }));
      const offset = clock.createtime - Math.round((sent + Date.now()) / 2);
      const serverNow = () => Date.now() + offset;
      for (const lead of [1_500, 3_000, 6_000, 12_000]) {
        const publishtime = serverNow() + lead;
        const title = `定时 ${context.token} scheduledword${context.token}${lead}`;
        const id = await write(context, context.user, { title, content: 'later', publishtime });
        const shown = await own(context, id);
        assert.equal(shown.status, 'published');
        assert.equal(shown.publishtime, publishtime);
        assert.equal(shown.createtime, publishtime, 'createtime is the publication time');
        try {
          await assertHidden(context, id, `scheduledword${context.token}${lead}`);
          assert.equal((await authorList(context)).total, before.total, 'X-Total-Count ignores the scheduled post');
          const scheduled = await ownList(context, '&status=scheduled');
          assert.ok(scheduled.posts.some((post) => post.id === id), 'status=scheduled lists it');
        } catch (error) {
          // Only a machine too slow to look within the lead sees it early: try again with a longer one.
          if (serverNow() >= publishtime) continue;
          throw error;
        }
        if (serverNow() >= publishtime) continue;
        await new Promise((resolve) => setTimeout(resolve, publishtime - serverNow() + 100));
        const live = await context.detail(id);
        assert.equal(live.id, id);
        const after = await authorList(context);
        assert.ok(after.ids.includes(id), 'listed at its time');
        assert.equal(after.total, before.total + 1, 'counted at its time');
        const everyone = blogsOf(context.expect.success(await context.anonymous.get('/api/blog/list?pageSize=1000')));
        const index = everyone.findIndex((blog) => blog.id === id);
        assert.ok(index >= 0 && everyone.slice(0, index).every((blog) => blog.createtime >= publishtime), 'listed at its publication time, newest first');
        return;
      }
      assert.fail('every lead passed before the checks could look: the server is too slow for this check');
    },
  },
  {
    group: 'scheduled posts',
    name: 'an update without status or publishtime keeps them; bad values are refused',
    optional,
    writes: true,
    async run(context) {
      const draft = await write(context, context.user, { title: `草稿保持 ${context.token}`, status: 'draft' });
      context.expect.success(await context.user.post(`/api/blog/update?id=${draft}`, { title: `草稿保持 ${context.token} 2`, content: 'c' }));
      assert.equal((await own(context, draft)).status, 'draft');
      context.expect.failure(await context.anonymous.get(`/api/blog/detail?id=${draft}`), 'BLOG_NOT_FOUND');
      const later = Date.now() + 24 * 60 * 60 * 1000;
      const scheduled = await write(context, context.user, { title: `明天 ${context.token}`, publishtime: later });
      context.expect.success(await context.user.post(`/api/blog/update?id=${scheduled}`, { title: `明天 ${context.token} 2`, content: 'c' }));
      const kept = await own(context, scheduled);
      assert.equal(kept.publishtime, later);
      assert.equal(kept.status, 'published');
      context.expect.failure(await context.anonymous.get(`/api/blog/detail?id=${scheduled}`), 'BLOG_NOT_FOUND');
      context.expect.failure(await context.user.post('/api/blog/new', { title: 't', content: 'c', status: 'secret' }), 'STATUS_INVALID', 'status 只能是 published 或 draft');
      context.expect.failure(await context.user.post('/api/blog/new', { title: 't', content: 'c', format: 'rtf' }), 'FORMAT_INVALID', 'format 只能是 html 或 markdown');
      context.expect.failure(await context.user.post('/api/blog/new', { title: 't', content: 'c', publishtime: 'tomorrow' }), 'PUBLISHTIME_INVALID', '必须是自 1970 年起的毫秒数');
      context.expect.failure(await context.user.post('/api/blog/new', { title: 't', content: 'c', publishtime: 1.5 }), 'PUBLISHTIME_INVALID', '必须是自 1970 年起的毫秒数');
      context.expect.failure(await context.anonymous.get('/api/blog/list?status=draft'), 'INVALID_PARAMETER', 'status 只能与 isadmin=1 一起使用');
      context.expect.failure(await context.user.get('/api/blog/list?isadmin=1&status=secret'), 'STATUS_INVALID', 'status 只能是 draft、scheduled 或 published');
    },
  },
  {
    group: 'Markdown',
    name: 'a Markdown post shows rendered HTML; a course client editing it (no format) makes it HTML, the Markdown kept as a revision',
    optional,
    writes: true,
    async run(context) {
      const source = `# 标题 ${context.token}\n\n*强调* 与 **加粗**，链接 https://example.com`;
      const id = await write(context, context.user, { title: `Markdown ${context.token}`, format: 'markdown', source });
      // The course's edit page: detail, then update with what it showed.
      const shown = await context.detail(id) as Post;
      assert.equal(shown.format, 'markdown');
      assert.equal(shown.source, source);
      assert.match(shown.content, /<h1>标题 /);
      assert.match(shown.content, /<em>强调<\/em>/);
      assert.match(shown.content, /<a href="https:\/\/example\.com">/);
      const preview = context.expect.success(await context.user.post('/api/blog/preview', { format: 'markdown', source })).data as { content: string };
      assert.equal(preview.content, shown.content, 'preview renders as a save does');
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title: shown.title, content: shown.content }));
      const edited = await context.detail(id) as Post;
      assert.equal(edited.format, 'html');
      assert.equal(edited.source, null);
      assert.equal(edited.content, shown.content, 'the HTML it showed, unchanged');
      const [kept] = await revisionsOf(context, id);
      assert.equal(kept?.format, 'markdown');
      const revision = context.expect.success(await context.user.get(`/api/blog/revision?id=${id}&revision=${kept?.revision}`)).data as { source: string };
      assert.equal(revision.source, source, 'the Markdown is kept');
      // Back to Markdown: re-rendered from the source sent.
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title: shown.title, format: 'markdown', source: '**再次**' }));
      assert.match((await context.detail(id)).content, /<strong>再次<\/strong>/);
    },
  },
  {
    group: 'Markdown',
    name: 'no script survives into content: javascript:, <script>, on… handlers, autolinks, data: URLs, HTML in link titles',
    optional,
    writes: true,
    async run(context) {
      for (const source of xssSources) {
        const id = await write(context, context.user, { title: `XSS ${context.token}`, format: 'markdown', source });
        const { content } = await context.detail(id);
        assert.deepEqual(activeMarkup(content), [], `${source} → ${content}`);
        const preview = context.expect.success(await context.user.post('/api/blog/preview', { format: 'markdown', source })).data as { content: string };
        assert.equal(preview.content, content);
      }
      const html = context.expect.success(await context.user.post('/api/blog/preview', { content: '<img src=x onerror=alert(1)><script>alert(1)</script>' })).data as { content: string };
      assert.deepEqual(activeMarkup(html.content), []);
    },
  },
  {
    group: 'revisions',
    name: 'every save keeps the previous version (an unchanged save none), newest first; restore makes one current and keeps the replaced one',
    optional,
    writes: true,
    async run(context) {
      const id = await write(context, context.user, { title: `版本1 ${context.token}`, content: '一' });
      const detailBefore = await own(context, id);
      for (const [title, content] of [[`版本2 ${context.token}`, '二'], [`版本3 ${context.token}`, '三']] as const) {
        context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title, content }));
      }
      // Saved again unchanged: nothing new to keep.
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title: `版本3 ${context.token}`, content: '三' }));
      const listedRevisions = await revisionsOf(context, id);
      assert.deepEqual(listedRevisions.map((revision) => revision.title), [`版本2 ${context.token}`, `版本1 ${context.token}`]);
      assert.ok(listedRevisions.every((revision) => revision.kind === 'save' && revision.format === 'html'));
      assert.ok(listedRevisions[0]!.revision > listedRevisions[1]!.revision && listedRevisions[0]!.time >= listedRevisions[1]!.time, 'newest first');
      const first = listedRevisions[1]!;
      context.expect.success(await context.user.post(`/api/blog/restore?id=${id}&revision=${first.revision}`));
      const restored = await own(context, id);
      assert.equal(restored.title, `版本1 ${context.token}`);
      assert.equal(restored.content, '一');
      assert.equal(restored.status, 'published');
      assert.equal(restored.createtime, detailBefore.createtime, 'times stay');
      const afterRestore = await revisionsOf(context, id);
      assert.equal(afterRestore[0]?.title, `版本3 ${context.token}`, 'the replaced version is kept');
      assert.equal(afterRestore[0]?.kind, 'restore');
      context.expect.failure(await context.user.post(`/api/blog/restore?id=${id}&revision=999999999`), 'REVISION_NOT_FOUND');
      context.expect.failure(await context.user.get(`/api/blog/revision?id=${id}&revision=999999999`), 'REVISION_NOT_FOUND');
    },
  },
  {
    group: 'revisions',
    name: 'revisions, restore, autosave and preview need a login, and someone else\'s post answers as missing',
    optional,
    writes: true,
    async run(context) {
      const id = await write(context, context.user, { title: `归属 ${context.token}`, content: 'c' });
      context.expect.success(await context.user.post(`/api/blog/update?id=${id}`, { title: `归属 ${context.token} 2`, content: 'c' }));
      const [revision] = await revisionsOf(context, id);
      const text = { title: 't', content: 'c' };
      for (const [as, code] of [[context.anonymous, 'SESSION_REQUIRED'], [context.other, 'BLOG_NOT_FOUND']] as const) {
        context.expect.failure(await as.get(`/api/blog/revisions?id=${id}`), code);
        context.expect.failure(await as.get(`/api/blog/revision?id=${id}&revision=${revision?.revision}`), code);
        context.expect.failure(await as.post(`/api/blog/restore?id=${id}&revision=${revision?.revision}`), code);
        context.expect.failure(await as.post(`/api/blog/autosave?id=${id}`, text), code);
      }
      context.expect.failure(await context.anonymous.post('/api/blog/preview', { format: 'markdown', source: '*x*' }), 'SESSION_REQUIRED');
      context.expect.failure(await context.anonymous.post('/api/blog/autosave', text), 'SESSION_REQUIRED');
      assert.equal((await own(context, id)).title, `归属 ${context.token} 2`, 'nothing changed');
    },
  },
  {
    group: 'autosave',
    name: 'autosave keeps one pending revision without changing or publishing the post; without id it creates a draft',
    optional,
    writes: true,
    async run(context) {
      const id = await write(context, context.user, { title: `自动保存 ${context.token}`, content: '已保存' });
      const saved = await own(context, id);
      const first = context.expect.success(await context.user.post(`/api/blog/autosave?id=${id}`, { title: `自动保存 ${context.token}`, content: '打字中' })).data as { id: number; revision: number; time: number };
      assert.equal(first.id, id);
      const second = context.expect.success(await context.user.post(`/api/blog/autosave?id=${id}`, { title: `自动保存 ${context.token}`, format: 'markdown', source: '打字中，更多' })).data as { revision: number };
      assert.deepEqual(await own(context, id), saved, 'the post is unchanged');
      const revisions = await revisionsOf(context, id);
      assert.deepEqual(revisions.map((revision) => [revision.revision, revision.kind]), [[second.revision, 'autosave']], 'one pending autosave');
      const kept = context.expect.success(await context.user.get(`/api/blog/revision?id=${id}&revision=${second.revision}`)).data as { source: string; format: string };
      assert.deepEqual([kept.format, kept.source], ['markdown', '打字中，更多']);

      const created = context.expect.success(await context.user.post('/api/blog/autosave', { title: `新草稿 ${context.token} newdraft${context.token}`, content: '开头' })).data as { id: number; revision: number };
      await context.adopt(context.user, created.id);
      const draft = await own(context, created.id);
      assert.equal(draft.status, 'draft');
      assert.equal(draft.content, '开头');
      await assertHidden(context, created.id, `newdraft${context.token}`);
      assert.equal((await revisionsOf(context, created.id))[0]?.revision, created.revision);
    },
  },
];
