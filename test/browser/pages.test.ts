// The pages in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; no
// browser is ever downloaded), once per engine in ENGINE_NAMES, against a server with the demo data.
// The pages are built fresh into a temporary folder first, so a stale dist/web cannot pass.
// Screenshots of every page go to test-artifacts/screenshots/<engine>-<page>.png.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { startTestServer } from '../helpers/start-server.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' };
const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
};
const DATE_PATTERN = /^\d{4}年\d{1,2}月\d{1,2}日$/;
const XSS = '<img src=x onerror=alert(1)><script>alert(1)</script>';

// Missing Chromium fails in CI (.ci/run installs it) and is a stated skip on a developer machine.
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
}
const skipReason = chromiumMissing ? `${CHROMIUM} is missing (apt-get install -y chromium)` : false;

interface ApiEnvelope {
  errno: number;
  data?: unknown;
  message?: string;
}

interface BlogSummary {
  id: number;
  title: string;
  author: string;
}

/** One page plus everything it did that a test should notice: dialogs, script errors, CSP reports. */
interface WatchedPage {
  page: Page;
  dialogs: string[];
  problems: string[];
}

let browserContext: BrowserContext | undefined;
let browser: Browser;
let profileDir: string;
let webDir: string;

function isBlogSummary(value: unknown): value is BlogSummary {
  return typeof value === 'object' && value !== null
    && 'id' in value && typeof value.id === 'number'
    && 'title' in value && typeof value.title === 'string'
    && 'author' in value && typeof value.author === 'string';
}

async function apiGet(page: Page, path: string): Promise<ApiEnvelope> {
  const response = await page.request.get(path);
  return (await response.json()) as ApiEnvelope;
}

async function apiBlogs(page: Page, query: string): Promise<BlogSummary[]> {
  const body = await apiGet(page, `/api/blog/list?${query}`);
  assert.equal(body.errno, 0, `list ${query}: ${body.message ?? ''}`);
  assert.ok(Array.isArray(body.data) && body.data.every(isBlogSummary));
  return body.data;
}

async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const watched: WatchedPage = { page, dialogs: [], problems: [] };
  page.on('dialog', (dialog) => {
    watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 4xx/5xx the test provokes on purpose is logged by Chromium as a failed resource; CSP
    // violations and script errors are what we are after.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      watched.problems.push(`console: ${message.text()}`);
    }
  });
  return watched;
}

function assertQuiet(watched: WatchedPage): void {
  assert.deepEqual(watched.dialogs, [], 'no dialog (alert/confirm/prompt) may open');
  assert.deepEqual(watched.problems, [], 'no script error or CSP violation');
}

async function listLoaded(page: Page): Promise<void> {
  await page.locator('#blog-list:not([aria-busy])').waitFor({ state: 'attached' });
}

async function sessionShown(page: Page): Promise<void> {
  await page.locator('#session[data-state]').waitFor({ state: 'attached' });
}

async function listedTitles(page: Page): Promise<string[]> {
  return page.locator('#blog-list .post-title').allTextContents();
}

async function listedIds(page: Page): Promise<number[]> {
  const items = await page.locator('#blog-list li.post').all();
  return Promise.all(items.map(async (item) => Number(await item.getAttribute('data-id'))));
}

async function screenshot(page: Page, engine: string, name: string): Promise<void> {
  // The viewport at CSS pixels: what a visitor sees first, and quick to take on a busy machine.
  await page.screenshot({ path: join(SCREENSHOTS, `${engine}-${name}.png`), scale: 'css', animations: 'disabled' });
}

async function logIn(page: Page, username = 'zhangsan', password = '123'): Promise<void> {
  await page.goto('/login.html');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL('**/admin.html');
}

/** Logs the page's context in through the API (for tests about something other than the login page). */
async function logInByApi(page: Page): Promise<void> {
  const response = await page.request.post('/api/user/login', { data: { username: 'zhangsan', password: '123' } });
  assert.equal(((await response.json()) as ApiEnvelope).errno, 0, 'zhangsan / 123 logs in');
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  assert.ok(scrollWidth <= clientWidth, `${page.url()}: scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`);
}

/** Raw headers of one static file, as a browser would get them (no decompression, no cache). */
function staticHeaders(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolvePromise({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

before(async () => {
  if (chromiumMissing) return;
  webDir = join(await mkdtemp(join(tmpdir(), 'blog-web-')), 'web');
  profileDir = await mkdtemp(join(tmpdir(), 'blog-chromium-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  const [context] = await Promise.all([
    chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--out', webDir], { cwd: ROOT }),
  ]);
  browserContext = context;
  const launched = context.browser();
  assert.ok(launched, 'Chromium is running');
  browser = launched;
});

after(async () => {
  await browserContext?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  if (webDir) await rm(resolve(webDir, '..'), { recursive: true, force: true });
});

for (const engine of ENGINE_NAMES) {
  describe(`pages on the ${engine} engine`, { skip: skipReason }, () => {
    let server: { url: string; close(): Promise<void> };
    const contexts: BrowserContext[] = [];

    // Opening a page costs up to a second on a busy machine, so tests share two: `visitor` starts
    // every test without a session (tests may log in and out on it), `writer` stays logged in as
    // zhangsan. Only the phone test opens its own.
    let visitor: WatchedPage;
    let writer: WatchedPage;

    async function newContext(options: BrowserContextOptions = DESKTOP): Promise<BrowserContext> {
      const context = await browser.newContext({ ...options, baseURL: server.url });
      contexts.push(context);
      return context;
    }

    /** A shared page, its record of dialogs and problems cleared for the next test. */
    function fresh(watched: WatchedPage): WatchedPage {
      watched.dialogs.length = 0;
      watched.problems.length = 0;
      return watched;
    }

    async function asVisitor(): Promise<WatchedPage> {
      await visitor.page.context().clearCookies();
      return fresh(visitor);
    }

    before(async () => {
      server = await startTestServer({ engine, webDir });
      visitor = await watchedPage(await newContext());
      writer = await watchedPage(await newContext());
      await logInByApi(writer.page);
    });

    after(async () => {
      await Promise.all(contexts.map((context) => context.close()));
      await server?.close();
    });

    test('static files: compressed, cached by kind, with CSP and nosniff', async () => {
      const html = await staticHeaders(`${server.url}/`, { 'Accept-Encoding': 'br, gzip' });
      assert.equal(html.status, 200);
      assert.equal(html.headers['content-encoding'], 'br');
      assert.match(String(html.headers['content-type']), /^text\/html/);
      assert.equal(html.headers['cache-control'], 'no-cache');
      assert.equal(html.headers['x-content-type-options'], 'nosniff');
      const csp = String(html.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(String(html.headers.vary), /Accept-Encoding/i);

      const etag = String(html.headers.etag);
      const revalidated = await staticHeaders(`${server.url}/`, { 'Accept-Encoding': 'br, gzip', 'If-None-Match': etag });
      assert.equal(revalidated.status, 304);
      assert.equal(revalidated.headers['cache-control'], 'no-cache');

      const gzipped = await staticHeaders(`${server.url}/login.html`, { 'Accept-Encoding': 'gzip' });
      assert.equal(gzipped.headers['content-encoding'], 'gzip');

      const assets = await readdir(join(webDir, 'assets'));
      const script = assets.find((name) => /^app-[0-9a-f]{10}\.js$/.test(name));
      assert.ok(script, 'the build wrote a hashed script');
      const asset = await staticHeaders(`${server.url}/assets/${script}`, { 'Accept-Encoding': 'gzip' });
      assert.equal(asset.status, 200);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(asset.headers['content-type']), /^text\/javascript/);
      assert.equal(asset.headers['content-encoding'], 'gzip');

      const missing = await staticHeaders(`${server.url}/assets/app-0000000000.js`);
      assert.equal(missing.status, 404);
      assert.notEqual(missing.headers['cache-control'], 'public, max-age=31536000, immutable');
    });

    test('home lists posts newest first, links to details, and searches titles and content', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      await page.goto('/');
      await listLoaded(page);
      await sessionShown(page);
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      const expected = await apiBlogs(page, 'page=1&pageSize=10');
      assert.ok(expected.length >= 2, 'the demo data has posts');
      assert.deepEqual(await listedIds(page), expected.map((blog) => blog.id));
      assert.deepEqual(await listedTitles(page), expected.map((blog) => blog.title));
      const times = await Promise.all((await page.locator('#blog-list time').all()).map((time) => time.getAttribute('datetime')));
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
      assert.match((await page.locator('#blog-list time').first().textContent()) ?? '', DATE_PATTERN);
      await expectVisibleText(page, '#session', '登录');
      await screenshot(page, engine, 'home');

      const first = expected[0];
      assert.ok(first);
      await page.getByLabel('搜索标题和内容').fill(first.title);
      await page.getByLabel('搜索标题和内容').press('Enter');
      await page.waitForURL(/[?&]search=/);
      await listLoaded(page);
      const found = await listedTitles(page);
      // Title hits rank first, the newest of them first: the newest post itself.
      assert.equal(found[0], first.title, `found: ${found.join(', ')}`);
      assert.equal(await page.getByLabel('搜索标题和内容').inputValue(), first.title);

      await page.goto(`/?keyword=${encodeURIComponent('没有这样的标题 zz9')}`);
      await listLoaded(page);
      assert.equal(await page.locator('#blog-list li').count(), 0);
      await expectVisibleText(page, '#list-status', '没有标题包含');
      assertQuiet(watched);
    });

    test('home pages through the list with page and pageSize', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      const all = await apiBlogs(page, 'page=1&pageSize=50');
      await page.goto('/?pageSize=1');
      await listLoaded(page);
      assert.deepEqual(await listedIds(page), [all[0]?.id]);
      await expectVisibleText(page, '#pager', `第 1 页，共 ${all.length} 页`);
      assert.equal(await page.locator('#pager a[rel="prev"]').count(), 0);
      await page.locator('#pager').getByRole('link', { name: '下一页' }).click();
      await page.waitForURL(/[?&]page=2/);
      await listLoaded(page);
      assert.deepEqual(await listedIds(page), [all[1]?.id]);
      await page.locator('#pager').getByRole('link', { name: '上一页' }).click();
      await page.waitForURL((url) => !url.searchParams.has('page'));
      await listLoaded(page);
      assert.deepEqual(await listedIds(page), [all[0]?.id]);
      assertQuiet(watched);
    });

    test('the author page shows only that author', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      const all = await apiBlogs(page, 'page=1&pageSize=50');
      const author = all.find((blog) => blog.author === 'lisi')?.author ?? all[0]?.author;
      assert.ok(author);
      const others = all.filter((blog) => blog.author !== author).map((blog) => blog.id);
      assert.ok(others.length > 0, 'the demo data has posts by more than one author');

      await page.goto('/');
      await listLoaded(page);
      await page.locator('#blog-list a.author', { hasText: author }).first().click();
      await page.waitForURL(`**/author.html?author=${author}`);
      await listLoaded(page);
      await expectVisibleText(page, 'h1', author);
      const shown = await listedIds(page);
      assert.deepEqual(shown, all.filter((blog) => blog.author === author).map((blog) => blog.id));
      assert.ok(shown.every((id) => !others.includes(id)));
      await screenshot(page, engine, 'author');
      assertQuiet(watched);
    });

    test('detail shows the title, the author linking to the author page, the date and the content', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      const [first] = await apiBlogs(page, 'page=1&pageSize=1');
      assert.ok(first);
      const detail = await apiGet(page, `/api/blog/detail?id=${first.id}`);
      assert.equal(detail.errno, 0);

      await page.goto('/');
      await listLoaded(page);
      await page.getByRole('link', { name: first.title, exact: true }).first().click();
      await page.waitForURL(`**/detail.html?id=${first.id}`);
      await page.locator('#post:not([aria-busy])').waitFor({ state: 'attached' });
      assert.equal(await page.locator('h1').textContent(), first.title);
      assert.equal(await page.title(), `${first.title} - 博客`);
      const authorLink = page.locator('#post .meta a.author');
      assert.equal(await authorLink.textContent(), first.author);
      assert.equal(await authorLink.getAttribute('href'), `/author.html?author=${encodeURIComponent(first.author)}`);
      assert.match((await page.locator('#post .meta time').textContent()) ?? '', DATE_PATTERN);
      assert.ok(((await page.locator('#post-content').textContent()) ?? '').trim().length > 0);
      await screenshot(page, engine, 'detail');

      await page.goto('/detail.html?id=999999');
      await expectVisibleText(page, 'h1', '找不到这篇博客');
      assertQuiet(watched);
    });

    test('admin, new and edit without a session go to the login page', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      for (const path of ['/admin.html', '/new.html', '/edit.html?id=1']) {
        await page.goto(path);
        await page.waitForURL((url) => url.pathname === '/login.html');
        assert.equal(new URL(page.url()).searchParams.get('redirect'), path);
      }
      assertQuiet(watched);
    });

    test('a failed login shows 登录失败 and keeps the user name', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      await page.goto('/login.html');
      await sessionShown(page);
      await screenshot(page, engine, 'login');
      await page.getByLabel('用户名').fill('zhangsan');
      await page.getByLabel('密码').fill('wrong-password');
      await page.getByRole('button', { name: '登录' }).click();
      await expectVisibleText(page, '#login-error', '登录失败');
      assert.equal(new URL(page.url()).pathname, '/login.html');
      assert.equal(await page.getByLabel('用户名').inputValue(), 'zhangsan');
      assertQuiet(watched);
    });

    test('a rate-limited login shows the message of the 429 answer', async () => {
      // A server of its own that locks a user out after one failed login: the page must show what
      // the real limiter answers, the catalogue's TOO_MANY_LOGIN_ATTEMPTS message.
      const limited = await startTestServer({ engine, webDir, env: { LOGIN_MAX_FAILURES: '1' } });
      try {
        const context = await browser.newContext({ ...DESKTOP, baseURL: limited.url });
        contexts.push(context);
        const watched = await watchedPage(context);
        const { page } = watched;
        await page.goto('/login.html');
        await page.getByLabel('用户名').fill('zhangsan');
        await page.getByLabel('密码').fill('wrong-password');
        await page.getByRole('button', { name: '登录' }).click();
        await expectVisibleText(page, '#login-error', '登录失败');
        assert.equal(await page.locator('#login-error').textContent(), '登录失败');

        await page.getByLabel('密码').fill('123');
        const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/user/login');
        await page.getByRole('button', { name: '登录' }).click();
        const answer = await answered;
        assert.equal(answer.status(), 429);
        assert.ok(Number(answer.headers()['retry-after']) > 0, 'Retry-After says when to try again');
        await expectVisibleText(page, '#login-error', '登录失败次数过多，请稍后再试');
        assert.equal(await page.locator('#login-error').textContent(), '登录失败次数过多，请稍后再试');
        assert.equal(new URL(page.url()).pathname, '/login.html');
        assertQuiet(watched);
      } finally {
        await limited.close();
      }
    });

    test('login lands on admin, or back where the user came from (same site only)', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      await logIn(page);
      await listLoaded(page);
      await sessionShown(page);
      const info = await apiGet(page, '/api/user/info');
      const user = info.data as { username: string; realname?: string };
      assert.equal(user.username, 'zhangsan');
      await expectVisibleText(page, '#session .user-name', user.realname || user.username);
      await expectVisibleText(page, '#session', '退出');
      const own = await apiBlogs(page, 'isadmin=1&page=1&pageSize=50');
      assert.deepEqual(await listedIds(page), own.map((blog) => blog.id));
      await screenshot(page, engine, 'admin');

      await page.context().clearCookies();
      const target = `/detail.html?id=${own[0]?.id ?? 1}`;
      await page.goto(`/login.html?redirect=${encodeURIComponent(target)}`);
      await page.getByLabel('用户名').fill('zhangsan');
      await page.getByLabel('密码').fill('123');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(`**${target}`);

      await page.context().clearCookies();
      await page.goto(`/login.html?redirect=${encodeURIComponent('https://example.com/')}`);
      await page.getByLabel('用户名').fill('zhangsan');
      await page.getByLabel('密码').fill('123');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(`${server.url}/admin.html`);
      assertQuiet(watched);
    });

    test('search on admin finds only the user’s own matching posts', async () => {
      const watched = fresh(writer);
      const { page } = watched;
      await page.goto('/admin.html');
      await listLoaded(page);
      const own = await apiBlogs(page, 'isadmin=1&page=1&pageSize=50');
      const target = own[0];
      assert.ok(target, 'zhangsan has demo posts');
      await page.getByLabel('搜索我的博客标题').fill(target.title);
      await page.getByRole('button', { name: '搜索' }).click();
      await page.waitForURL(/admin\.html\?keyword=/);
      await listLoaded(page);
      const titles = await listedTitles(page);
      assert.ok(titles.includes(target.title));
      assert.ok(titles.every((title) => title.includes(target.title)));
      const ownIds = new Set(own.map((blog) => blog.id));
      assert.ok((await listedIds(page)).every((id) => ownIds.has(id)), 'only the user’s own posts');
      assertQuiet(watched);
    });

    test('create, edit and delete (after confirming) a post', async () => {
      const watched = fresh(writer);
      const { page } = watched;
      const title = '春天的散步笔记';
      await page.goto('/admin.html');
      await listLoaded(page);
      await page.getByRole('link', { name: '新建博客' }).click();
      await page.waitForURL('**/new.html');
      await sessionShown(page);
      await screenshot(page, engine, 'new');
      await page.getByLabel('标题').fill(title);
      await page.getByLabel('内容').fill('沿着河边走了一圈。\n柳树发芽了。');
      await page.getByRole('button', { name: '发布' }).click();
      await page.waitForURL(/\/detail\.html\?id=\d+$/);
      const id = Number(new URL(page.url()).searchParams.get('id'));
      await expectVisibleText(page, 'h1', title);
      const shownContent = await page.locator('#post-content').innerText();
      assert.match(shownContent, /走了一圈。\n柳树/, 'line breaks are kept');
      await expectVisibleText(page, '#post .meta .author', 'zhangsan');

      await page.goto('/admin.html');
      await listLoaded(page);
      const item = page.locator(`#blog-list li[data-id="${id}"]`);
      await item.getByRole('link', { name: `编辑《${title}》` }).click();
      await page.waitForURL(`**/edit.html?id=${id}`);
      await page.locator('#editor-fields:not([disabled])').waitFor();
      assert.equal(await page.getByLabel('标题').inputValue(), title);
      assert.equal(await page.getByLabel('内容').inputValue(), '沿着河边走了一圈。\n柳树发芽了。');
      await screenshot(page, engine, 'edit');
      await page.getByLabel('标题').fill(`${title}（修订）`);
      await page.getByRole('button', { name: '保存' }).click();
      await page.waitForURL(`**/detail.html?id=${id}`);
      await expectVisibleText(page, 'h1', `${title}（修订）`);

      await page.goto('/admin.html');
      await listLoaded(page);
      const dialog = page.locator('#delete-dialog');
      await item.getByRole('button', { name: `删除《${title}（修订）》` }).click();
      await dialog.waitFor({ state: 'visible' });
      await expectVisibleText(page, '#delete-dialog', `${title}（修订）`);
      await dialog.getByRole('button', { name: '取消' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(await item.count(), 1, 'cancel keeps the post');

      await item.getByRole('button', { name: `删除《${title}（修订）》` }).click();
      await dialog.waitFor({ state: 'visible' });
      await screenshot(page, engine, 'admin-delete');
      await dialog.getByRole('button', { name: '确认删除' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await item.waitFor({ state: 'detached' });
      await expectVisibleText(page, '#list-status', '已删除');
      assert.equal((await apiGet(page, `/api/blog/detail?id=${id}`)).errno, -1, 'the post is gone on the server');
      assertQuiet(watched);
    });

    test('the API’s validation message shows next to the form and no typed text is lost', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      await logInByApi(page);
      await page.goto('/new.html');
      await sessionShown(page);
      const error = page.locator('#editor-error');
      const title = page.getByLabel('标题');
      const content = page.getByLabel('内容');

      // No title: the API's message, the title field marked invalid, the content kept.
      await content.fill('这段正文不能丢');
      await page.getByRole('button', { name: '发布' }).click();
      await expectVisibleText(page, '#editor-error', '标题不能为空');
      assert.equal(await error.textContent(), '标题不能为空');
      assert.equal(await title.getAttribute('aria-invalid'), 'true');
      assert.equal(await content.getAttribute('aria-invalid'), null);
      assert.equal(new URL(page.url()).pathname, '/new.html');
      assert.equal(await content.inputValue(), '这段正文不能丢');

      // Content over the limit: its message, with the limit, marks the content field instead.
      const tooLong = '长'.repeat(100_001);
      await title.fill('标题有了');
      await content.fill(tooLong);
      await page.getByRole('button', { name: '发布' }).click();
      await expectVisibleText(page, '#editor-error', '内容过长: 最多 100000 个字符');
      assert.equal(await error.textContent(), '内容过长: 最多 100000 个字符');
      assert.equal(await content.getAttribute('aria-invalid'), 'true');
      assert.equal(await title.getAttribute('aria-invalid'), null);
      assert.equal(new URL(page.url()).pathname, '/new.html');
      assert.equal(await title.inputValue(), '标题有了');
      assert.equal(await content.inputValue(), tooLong);

      // The session ends while writing: the text survives the trip to the login page. (It ends
      // before the text is valid, so no autosave can turn the new post into a draft first.)
      await page.context().clearCookies();
      await content.fill('这段正文不能丢');
      await page.getByLabel('标题').fill('会话过期时写的');
      await page.getByRole('button', { name: '发布' }).click();
      await page.waitForURL((url) => url.pathname === '/login.html');
      await page.getByLabel('用户名').fill('zhangsan');
      await page.getByLabel('密码').fill('123');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL('**/new.html');
      await expectVisibleText(page, '#editor-notice', '已恢复');
      assert.equal(await page.getByLabel('标题').inputValue(), '会话过期时写的');
      assert.equal(await page.getByLabel('内容').inputValue(), '这段正文不能丢');
      assertQuiet(watched);
    });

    test('logout ends the session', async () => {
      const watched = await asVisitor();
      const { page } = watched;
      await logInByApi(page);
      await page.goto('/admin.html');
      await sessionShown(page);
      await page.locator('#session').getByRole('button', { name: '退出' }).click();
      await page.waitForURL(`${server.url}/`);
      await sessionShown(page);
      await expectVisibleText(page, '#session', '登录');
      assert.equal((await apiGet(page, '/api/user/info')).errno, -1);
      await page.goto('/admin.html');
      await page.waitForURL((url) => url.pathname === '/login.html');
      assertQuiet(watched);
    });

    test('pages fit a 375px phone screen without horizontal scrolling', async () => {
      const watched = await watchedPage(await newContext(PHONE));
      const { page } = watched;
      const [first] = await apiBlogs(page, 'page=1&pageSize=1');
      await page.goto('/');
      await listLoaded(page);
      await sessionShown(page);
      await noHorizontalScroll(page);
      await screenshot(page, engine, 'home-phone');
      await page.goto(`/detail.html?id=${first?.id ?? 1}`);
      await page.locator('#post:not([aria-busy])').waitFor({ state: 'attached' });
      await noHorizontalScroll(page);
      await screenshot(page, engine, 'detail-phone');
      await page.goto('/login.html');
      await noHorizontalScroll(page);
      await logIn(page);
      await listLoaded(page);
      await sessionShown(page);
      await noHorizontalScroll(page);
      await page.goto('/new.html');
      await sessionShown(page);
      await noHorizontalScroll(page);
      assertQuiet(watched);
    });
    test('an XSS title and content render as text and run nothing', async () => {
      const watched = fresh(writer);
      const { page } = watched;
      const content = `${XSS}\n正文 <b>粗体</b> <a href="https://example.com/">链接</a>`;
      const created = await page.request.post('/api/blog/new', { data: { title: XSS, content } });
      const body = (await created.json()) as ApiEnvelope;
      assert.equal(body.errno, 0, body.message);
      const id = (body.data as { id: number }).id;

      for (const path of [`/detail.html?id=${id}`, '/', '/admin.html', `/author.html?author=zhangsan`, `/edit.html?id=${id}`]) {
        await page.goto(path);
        await page.locator('#session[data-state]').waitFor({ state: 'attached' });
        if (path !== `/edit.html?id=${id}` && !path.startsWith('/detail')) await listLoaded(page);
        // Give a broken image's onerror the time it would need to fire.
        await page.waitForTimeout(150);
        assert.equal(await page.locator('[onerror]').count(), 0, `${path}: no element with onerror`);
        assert.equal(await page.locator('body script').count(), 0, `${path}: no script element in the page body`);
        assert.equal(await page.locator('main img').count(), 0, `${path}: no image from the content`);
      }
      await page.goto(`/detail.html?id=${id}`);
      await page.locator('#post:not([aria-busy])').waitFor({ state: 'attached' });
      const shownTitle = (await page.locator('h1').textContent()) ?? '';
      // The server's filter keeps a harmless `<img src>`; everything shows as typed text, not `&lt;`.
      assert.match(shownTitle, /^<img src><script>alert\(1\)<\/script>$/, 'the title is shown as text, entities decoded');
      assert.equal(await page.locator('h1 *').count(), 0, 'the title holds no elements');
      assert.match(await page.locator('#post-content').innerText(), /正文/);
      assert.equal(await page.locator('#post-content img, #post-content script').count(), 0);
      // The little markup the server allows still renders, links made safe to follow.
      assert.equal(await page.locator('#post-content b').textContent(), '粗体');
      const link = page.locator('#post-content a');
      assert.equal(await link.getAttribute('href'), 'https://example.com/');
      assert.equal(await link.getAttribute('rel'), 'nofollow noopener noreferrer');
      await page.waitForTimeout(150);
      assertQuiet(watched);
    });

  });
}

async function expectVisibleText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ state: 'visible' });
}
