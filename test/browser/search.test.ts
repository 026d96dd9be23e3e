// The pages' search in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core),
// on the native engine: the home page's box searches titles and content (search=) and marks the
// matched words with <mark> built from text nodes, never markup from a post; the author page searches
// within its author. The engines share the API, which test/backends/search-full-text.test.ts covers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

describe('search on the pages', { skip: chromiumMissing ? `${CHROMIUM} is missing (apt-get install -y chromium)` : false }, () => {
  let webDir: string;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const ids: Record<string, number> = {};

  before(async () => {
    webDir = join(await mkdtemp(join(tmpdir(), 'blog-search-web-')), 'web');
    const [launched] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] }),
      promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--out', webDir], { cwd: ROOT }),
    ]);
    browser = launched;
    server = await startTestServer({ webDir });
    const zhangsan = new Client(server.url);
    const lisi = new Client(server.url);
    await zhangsan.login('zhangsan');
    await lisi.login('lisi');
    const write = async (client: Client, title: string, content: string) => (assertEnvelope(await client.post('/api/blog/new', { title, content }), 200, 0).data as { id: number }).id;
    ids.content = await write(zhangsan, '周末随笔', '<p>今天<b>天气</b>很好，<img src=x onerror=alert(1)>出门走走。</p>');
    ids.title = await write(zhangsan, '天气预报', '<p>明天有雨。</p>');
    ids.other = await write(lisi, '李四的天气日记', '<p>下雪了。</p>');
    page = await browser.newPage({ baseURL: server.url, locale: 'zh-CN' });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (webDir) await rm(resolve(webDir, '..'), { recursive: true, force: true });
  });

  const listLoaded = () => page.locator('#blog-list:not([aria-busy])').waitFor({ state: 'attached' });
  const listedIds = async () => Promise.all((await page.locator('#blog-list li.post').all()).map(async (item) => Number(await item.getAttribute('data-id'))));

  test('the home page searches titles and content and marks the matches', async () => {
    await page.goto('/');
    await listLoaded();
    await page.getByLabel('搜索标题和内容').fill('天气');
    await page.getByLabel('搜索标题和内容').press('Enter');
    await page.waitForURL(/[?&]search=/);
    await listLoaded();
    // Title hits first (newest first among them), then the content-only hit.
    assert.deepEqual(await listedIds(), [ids.other, ids.title, ids.content]);
    const contentHit = page.locator(`li.post[data-id="${ids.content}"]`);
    assert.deepEqual(await contentHit.locator('.excerpt mark').allTextContents(), ['天气']);
    assert.equal(await contentHit.locator('.excerpt').textContent(), '今天天气很好，出门走走。');
    // Only the marks are elements: nothing of the post's markup reached the page.
    assert.deepEqual(await contentHit.locator('.excerpt *').evaluateAll((nodes) => nodes.map((node) => node.tagName)), ['MARK']);
    assert.equal(await page.locator('#blog-list img').count(), 0);
    const titleHit = page.locator(`li.post[data-id="${ids.title}"]`);
    assert.deepEqual(await titleHit.locator('.post-title mark').allTextContents(), ['天气']);
    assert.equal(await titleHit.locator('.post-title').textContent(), '天气预报');
    // The status line is written 30 ms after the list (so screen readers announce it): wait for it.
    await page.locator('#list-status', { hasText: '共 3 篇' }).waitFor();
    assert.deepEqual(problems, []);
  });

  test('the author page searches within its author', async () => {
    await page.goto('/author.html?author=zhangsan');
    await listLoaded();
    await page.getByLabel('搜索这位作者的博客').fill('天气');
    await page.getByLabel('搜索这位作者的博客').press('Enter');
    await page.waitForURL(/[?&]search=/);
    await listLoaded();
    assert.equal(new URL(page.url()).searchParams.get('author'), 'zhangsan');
    assert.deepEqual(await listedIds(), [ids.title, ids.content]);
    assert.match((await page.locator('#page-heading').textContent()) ?? '', /zhangsan 的博客：搜索“天气”/);
    await page.goto(`/author.html?author=zhangsan&search=${encodeURIComponent('下雪')}`);
    await listLoaded();
    assert.equal(await page.locator('#blog-list li').count(), 0);
    await page.locator('#list-status', { hasText: '没有找到“下雪”' }).waitFor();
    assert.deepEqual(problems, []);
  });
});
