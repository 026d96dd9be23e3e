// Writing on the pages in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core),
// on the native engine and SQLite: Markdown with the live preview (and an XSS payload that runs
// nothing), a post scheduled a few seconds ahead, a draft, autosave surviving a closed tab, and
// restoring a revision. The API behind it is covered on every engine and database by the contract
// checks; this file checks what the pages make of it. One browser, two contexts: the writer
// (zhangsan, in Asia/Shanghai so local time is not UTC) and an anonymous visitor.
// Screenshots of the editor go to test-artifacts/screenshots/editor-*.png (copies in docs/screenshots).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const TIME_ZONE = 'Asia/Shanghai';
// The post is first scheduled an hour ahead, so that checking it is not public does not race the
// clock; then the edit page moves it to a few seconds ahead: time for one save, short to wait for.
const SCHEDULE_LATER_MS = 60 * 60 * 1000;
const SCHEDULE_SOON_MS = 4000;
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

interface ApiEnvelope {
  errno: number;
  data?: unknown;
  message?: string;
}

interface PostFields {
  id: number;
  title: string;
  content: string;
  status?: string;
  publishtime?: number | null;
  format?: string;
  source?: string | null;
}

/** A page and what it did that a test must notice: dialogs, script errors, CSP reports. */
interface Watched {
  page: Page;
  problems: string[];
}

function watch(page: Page): Watched {
  const watched: Watched = { page, problems: [] };
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => {
    watched.problems.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Requests the test fails on purpose are logged as failed resources; anything else is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) watched.problems.push(`console: ${message.text()}`);
  });
  return watched;
}

describe('writing on the pages', { skip: chromiumMissing ? `${CHROMIUM} is missing (apt-get install -y chromium)` : false }, () => {
  let webDir: string;
  let server: TestServer;
  let browser: Browser;
  let writerContext: BrowserContext;
  let visitorContext: BrowserContext;
  let writer: Watched;
  let visitor: Watched;

  before(async () => {
    webDir = join(await mkdtemp(join(tmpdir(), 'blog-writing-web-')), 'web');
    await mkdir(SCREENSHOTS, { recursive: true });
    const [launched] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] }),
      promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--out', webDir], { cwd: ROOT }),
    ]);
    browser = launched;
    server = await startTestServer({ webDir });
    const options = { baseURL: server.url, locale: 'zh-CN', timezoneId: TIME_ZONE, viewport: { width: 1280, height: 800 } };
    writerContext = await browser.newContext(options);
    visitorContext = await browser.newContext(options);
    const login = await writerContext.request.post('/api/user/login', { data: { username: 'zhangsan', password: '123' } });
    assert.equal(((await login.json()) as ApiEnvelope).errno, 0);
    writer = watch(await writerContext.newPage());
    visitor = watch(await visitorContext.newPage());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (webDir) await rm(resolve(webDir, '..'), { recursive: true, force: true });
  });

  async function api(path: string, data?: unknown): Promise<unknown> {
    const response = data === undefined ? await writerContext.request.get(path) : await writerContext.request.post(path, { data });
    const body = (await response.json()) as ApiEnvelope;
    assert.equal(body.errno, 0, `${path}: ${body.message ?? ''}`);
    return body.data;
  }
  const ownPost = async (id: number) => (await api(`/api/blog/detail?id=${id}&isadmin=1`)) as PostFields;

  const screenshot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), scale: 'css', animations: 'disabled', fullPage });

  async function openEditor(page: Page, path: string): Promise<void> {
    await page.goto(path);
    await page.locator('#session[data-state]').waitFor({ state: 'attached' });
    await page.locator('#editor-fields:not([disabled])').waitFor();
  }

  /** The home page's (or author page's) list, as the visitor sees it. */
  async function publicIds(path = '/'): Promise<number[]> {
    await visitor.page.goto(path);
    await visitor.page.locator('#blog-list:not([aria-busy])').waitFor({ state: 'attached' });
    const items = await visitor.page.locator('#blog-list li.post').all();
    return Promise.all(items.map(async (item) => Number(await item.getAttribute('data-id'))));
  }

  async function visitorSeesNoPost(id: number): Promise<void> {
    await visitor.page.goto(`/detail.html?id=${id}`);
    await visitor.page.locator('h1', { hasText: '找不到这篇博客' }).waitFor();
  }

  /** The new page with a title and a text typed in. */
  async function startPost(page: Page, title: string, text: string): Promise<void> {
    await openEditor(page, '/new.html');
    await page.getByLabel('标题').fill(title);
    await page.getByLabel('内容').fill(text);
  }

  const savedId = (page: Page): number => Number(new URL(page.url()).searchParams.get('id'));

  test('Markdown with the live preview; an XSS payload in it runs nothing', async () => {
    const { page } = writer;
    await openEditor(page, '/new.html');
    await page.getByLabel('Markdown').check();
    await page.getByLabel('标题').fill('用 Markdown 写的周记');
    const source = [
      '这周学了 **粗体** 和 *斜体*。',
      '',
      '[x](javascript:window.__xss=1) [d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <javascript:window.__xss=2>',
      '',
      '<img src=x onerror="window.__xss=3"> <script>alert(1)</script>',
      '',
      '[t](https://example.com/ "\\"><img src=x onerror=alert(1)>")',
    ].join('\n');
    await page.getByLabel('内容').fill(source);
    const preview = page.locator('#preview');
    await preview.locator('strong', { hasText: '粗体' }).waitFor();
    assert.equal(await preview.locator('em').textContent(), '斜体');
    assert.equal(await preview.locator('img, script, [onerror]').count(), 0);
    // Raw HTML is off: the tags read as text.
    assert.match((await preview.textContent()) ?? '', /<img src=x onerror=/);
    for (const link of await preview.locator('a').all()) {
      const href = await link.getAttribute('href');
      assert.match(href ?? 'https:', /^(https?:|mailto:)/, 'no javascript: or data: link');
      // A link whose unsafe target was dropped does nothing when clicked.
      if (href === null) await link.click();
    }
    await page.waitForTimeout(150);
    assert.equal(await page.evaluate<unknown>('window.__xss'), undefined);
    await screenshot(page, 'editor-markdown');

    // A preview the server refuses says why, and the last good one stays (dimmed) until it works again.
    await page.getByLabel('内容').fill('长'.repeat(100_001));
    await page.locator('#preview-error', { hasText: '预览失败：内容过长' }).waitFor();
    assert.equal(await preview.locator('strong').textContent(), '粗体');
    assert.equal(await preview.getAttribute('data-stale'), '');
    await page.getByLabel('内容').fill(source);
    await page.locator('#preview:not([data-stale])').waitFor({ state: 'attached' });
    await page.locator('#preview-error:empty').waitFor({ state: 'attached' });

    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page.waitForURL(/\/detail\.html\?id=\d+$/);
    const id = savedId(page);
    await page.locator('#post-content strong', { hasText: '粗体' }).waitFor();
    assert.equal(await page.locator('#post-content img, #post-content script, [onerror]').count(), 0);
    await page.waitForTimeout(150);
    assert.equal(await page.evaluate<unknown>('window.__xss'), undefined);
    const saved = await ownPost(id);
    assert.equal(saved.format, 'markdown');
    assert.equal(saved.source, source);
    assert.ok((await publicIds()).includes(id), 'published now: on the home page');
    assert.deepEqual([...writer.problems, ...visitor.problems], []);
  });

  test('a past time is refused; a scheduled post is invisible until its time, then shows up on the home page by itself', async () => {
    const { page } = writer;
    await startPost(page, '定时发布的公告', '到点自动公开。');
    await page.getByLabel('定时发布').check();
    await page.locator('#schedule-field').waitFor();
    const submit = page.locator('#editor-submit');
    assert.equal(await submit.textContent(), '定时发布');
    // datetime-local values in the page's own time zone, and the moment they name.
    // (A string: tsx would put its __name helper into a function, which the page does not have.)
    const localValue = (ahead: number) => page.evaluate<{ at: number; value: string }>(`(() => {
      const at = Math.ceil((Date.now() + ${ahead}) / 1000) * 1000;
      const date = new Date(at);
      const pad = (value) => String(value).padStart(2, '0');
      return { at, value: date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T' + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) };
    })()`);

    await page.getByLabel('发布时间').fill((await localValue(-60_000)).value);
    await submit.click();
    await page.locator('#editor-error', { hasText: '时间已经过去了' }).waitFor();
    assert.equal(await page.getByLabel('发布时间').getAttribute('aria-invalid'), 'true');
    assert.doesNotMatch(page.url(), /detail\.html/);

    const later = await localValue(SCHEDULE_LATER_MS);
    await page.getByLabel('发布时间').fill(later.value);
    await page.locator('#editor-error:empty').waitFor({ state: 'attached' });
    await page.locator('#preview', { hasText: '到点自动公开' }).waitFor();
    await screenshot(page, 'editor-status');
    await submit.click();
    await page.waitForURL(/\/detail\.html\?id=\d+$/);
    const id = savedId(page);
    await page.locator('#post-state', { hasText: '定时发布' }).waitFor();
    const saved = await ownPost(id);
    assert.equal(saved.status, 'published');
    assert.equal(saved.publishtime, later.at, `the local time ${later.value} (${TIME_ZONE}) is the moment sent`);

    assert.ok(!(await publicIds()).includes(id), 'not on the home page before its time');
    await visitorSeesNoPost(id);
    await page.goto('/admin.html?status=scheduled');
    const badge = page.locator(`#blog-list li[data-id="${id}"] .badge`);
    await badge.waitFor();
    assert.equal(await badge.textContent(), `定时 ${later.value.slice(0, 16).replace('T', ' ')}`);

    // The edit page shows the schedule as saved; moved to a few seconds from now, it is saved as such.
    await openEditor(page, `/edit.html?id=${id}`);
    assert.equal(await page.getByLabel('定时发布').isChecked(), true);
    // A datetime-local value leaves out seconds that are zero (the HTML normalized form): once a minute, `later` lands on one.
    assert.equal(await page.getByLabel('发布时间').inputValue(), later.value.replace(/:00$/, ''));
    const soon = await localValue(SCHEDULE_SOON_MS);
    await page.getByLabel('发布时间').fill(soon.value);
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(`**/detail.html?id=${id}`);
    assert.equal((await ownPost(id)).publishtime, soon.at);

    // Nothing is done at the publication time: the next ordinary request finds the post public.
    await new Promise((resolveWait) => setTimeout(resolveWait, Math.max(0, soon.at - Date.now() + 100)));
    const listed = await publicIds();
    assert.equal(listed[0], id, 'public now, at its publication time: the newest post');
    assert.deepEqual([...writer.problems, ...visitor.problems], []);
  });

  test('a draft is invisible to others and listed in admin as 草稿', async () => {
    const { page } = writer;
    await startPost(page, '还没写完的草稿', '想到哪写到哪。');
    await page.getByLabel('存为草稿').check();
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/\/detail\.html\?id=\d+$/);
    const id = savedId(page);
    await page.locator('#post-state', { hasText: '这是草稿' }).waitFor();
    assert.equal((await ownPost(id)).status, 'draft');

    assert.ok(!(await publicIds()).includes(id), 'not on the home page');
    assert.ok(!(await publicIds('/author.html?author=zhangsan')).includes(id), 'not on the author page');
    await visitorSeesNoPost(id);

    await page.goto('/admin.html');
    const item = page.locator(`#blog-list li[data-id="${id}"]`);
    assert.equal(await item.locator('.badge').textContent(), '草稿');
    await page.locator('#status-filter').getByRole('link', { name: '草稿' }).click();
    await page.waitForURL(/admin\.html\?status=draft$/);
    await page.locator('#blog-list:not([aria-busy])').waitFor({ state: 'attached' });
    await item.waitFor();
    assert.deepEqual([...new Set(await page.locator('#blog-list .badge').allTextContents())], ['草稿']);
    await screenshot(page, 'admin-status');
    await page.locator('#status-filter').getByRole('link', { name: '已发布' }).click();
    await page.waitForURL(/status=published$/);
    await page.locator('#blog-list:not([aria-busy])').waitFor({ state: 'attached' });
    assert.equal(await item.count(), 0, 'not among the published posts');
    assert.deepEqual([...writer.problems, ...visitor.problems], []);
  });

  test('autosave: the tab closed mid-typing, the edit page offers the autosave back', async () => {
    const watched = watch(await writerContext.newPage());
    const { page } = watched;
    await openEditor(page, '/new.html');
    const indicator = page.locator('#autosave-status');
    await page.getByLabel('标题').fill('自动保存的随笔');
    await page.getByLabel('内容').fill('第一段。');
    // The first autosave creates a draft, and the page goes on editing it.
    await indicator.filter({ hasText: '已自动保存' }).waitFor();
    await page.waitForURL(/\/edit\.html\?id=\d+$/);
    const id = savedId(page);
    assert.equal((await ownPost(id)).status, 'draft');
    const saved = '第一段。\n第二段也自动保存了。';
    const autosaved = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/blog/autosave');
    await page.getByLabel('内容').fill(saved);
    assert.equal(((await (await autosaved).json()) as ApiEnvelope).errno, 0);
    // From here on the connection is gone: what is typed now is lost with the tab.
    await page.route('**/api/blog/autosave**', (route) => route.abort());
    await page.getByLabel('内容').pressSequentially('没保存上的');
    await indicator.filter({ hasText: '自动保存失败' }).waitFor();
    assert.deepEqual(watched.problems, []);
    await page.close();

    const reopened = writer.page;
    await openEditor(reopened, `/edit.html?id=${id}`);
    await reopened.locator('#autosave-offer').waitFor();
    await reopened.getByRole('button', { name: '恢复自动存档' }).click();
    await reopened.locator('#editor-notice', { hasText: '已放回' }).waitFor();
    assert.equal(await reopened.getByLabel('内容').inputValue(), saved);
    assert.equal(await reopened.getByLabel('标题').inputValue(), '自动保存的随笔');
    assert.equal(await reopened.getByLabel('存为草稿').isChecked(), true, 'still a draft');
    await reopened.getByRole('button', { name: '保存', exact: true }).click();
    await reopened.waitForURL(`**/detail.html?id=${id}`);
    const post = await ownPost(id);
    assert.equal(post.content.includes('第二段也自动保存了'), true);
    assert.equal(post.status, 'draft', 'autosave and saving a draft publish nothing');
    assert.deepEqual([...writer.problems, ...visitor.problems], []);
  });

  test('the revisions panel shows an older version and restores it after a confirmation', async () => {
    const { page } = writer;
    const first = { title: '修订记录示例', format: 'markdown', source: '第一版：**原来的**文字' };
    const { id } = (await api('/api/blog/new', first)) as { id: number };
    await api(`/api/blog/update?id=${id}`, { title: '修订记录示例（第二版）', format: 'html', content: '<p>第二版</p>' });

    await openEditor(page, `/edit.html?id=${id}`);
    assert.equal(await page.getByLabel('HTML').isChecked(), true);
    const older = page.locator('#revision-list li', { hasText: first.title }).filter({ hasNotText: '第二版' }).first();
    await older.getByRole('button', { name: /^查看/ }).click();
    const view = page.locator('#revision-view');
    await view.locator('strong', { hasText: '原来的' }).waitFor();
    await page.locator('#preview', { hasText: '第二版' }).waitFor();
    await screenshot(page, 'editor-revisions', true);

    await view.getByRole('button', { name: '恢复这个版本' }).click();
    const dialog = page.locator('#restore-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: '确认恢复' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('#editor-notice', { hasText: '已恢复到' }).waitFor();
    assert.equal(await page.getByLabel('标题').inputValue(), first.title);
    assert.equal(await page.getByLabel('Markdown').isChecked(), true);
    assert.equal(await page.getByLabel('内容').inputValue(), first.source);
    const restored = await ownPost(id);
    assert.equal(restored.title, first.title);
    assert.equal(restored.format, 'markdown');
    // The version the restore replaced is kept, too.
    await page.locator('#revision-list li', { hasText: '第二版' }).first().waitFor();

    // The whole editor, revisions included, fits a 375px phone screen.
    await page.setViewportSize({ width: 375, height: 667 });
    const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
    assert.ok(scrollWidth <= clientWidth, `scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual([...writer.problems, ...visitor.problems], []);
  });
});
