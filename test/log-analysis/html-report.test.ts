// `logs analyze --html FILE` opened in a real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): no console error or CSP violation, the requests-per-hour chart is there with a
// bar per hour, the tables show the figures, and logged text (paths, agents) is shown, never run.
// A screenshot goes to test-artifacts/screenshots/logs-report.png.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import type { LogReport } from '../../src/log-analysis/report.ts';
import { runCli } from '../helpers/cli.ts';
import { knownLog, knownRecords } from '../helpers/known-access-log.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE = '10.9.9.9 - - [29/Nov/2026:10:00:00 +0000] "GET /<script>alert(1)</script> HTTP/1.1" 404 0 "https://evil.example/<b>" "<img src=x onerror=alert(2)>" 1.0';

let dir: string;
let browser: Browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logs-html-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

test('the HTML report opens in Chromium with no console error and shows the chart and tables', async () => {
  const log = join(dir, 'access.log');
  await writeFile(log, `${knownLog(knownRecords(4_000))}${HOSTILE}\n`);
  const html = join(dir, 'report.html');
  const result = await runCli(['logs', 'analyze', log, '--html', html, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as LogReport;
  assert.match(result.stderr, /wrote .*report\.html/);

  const source = await readFile(html, 'utf8');
  assert.match(source, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(source, /<script|<img|https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"<]*"/, 'no script, no image, nothing fetched');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(html).href);

  const bars = page.locator('svg[aria-label="Requests per hour of the day"] rect.bar');
  assert.equal(await bars.count(), 24);
  // The tallest bar is the busiest hour, and every bar's tooltip says its count.
  const heights = await bars.evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('height'))));
  const busiest = report.hours.reduce((best, hour) => (hour.requests > best.requests ? hour : best));
  assert.equal(heights.indexOf(Math.max(...heights)), busiest.hour);
  assert.equal(await bars.nth(busiest.hour).locator('title').textContent(), `${String(busiest.hour).padStart(2, '0')}:00: ${busiest.requests.toLocaleString('en-US')} requests`);
  const box = await page.locator('svg').first().boundingBox();
  assert.ok(box !== null && box.width > 600 && box.height > 100, 'the chart is drawn at a readable size');

  const text = await page.locator('body').innerText();
  assert.match(text, new RegExp(`Valid requests\\s+${report.totals.requests.toLocaleString('en-US')}`));
  assert.match(text, new RegExp(`Unique visitors \\(per day, summed\\)\\s+${report.totals.uniqueVisitors.toLocaleString('en-US')}`));
  for (const title of ['Top paths (query strings folded)', 'Top 404 paths', 'Browsers (crawlers apart)', 'Operating systems (crawlers apart)', 'Status codes', 'Referring sites', 'Days']) {
    assert.ok(text.includes(title), title);
  }
  // The hostile line is shown as text.
  assert.ok(text.includes('/<script>alert(1)</script>'));
  assert.equal(await page.locator('script, img').count(), 0);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems, []);
  assert.deepEqual(requests, [pathToFileURL(html).href], 'the page loads nothing but itself');

  const screenshots = join(ROOT, 'test-artifacts', 'screenshots');
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'logs-report.png'), fullPage: true, scale: 'css', animations: 'disabled' });
  await context.close();
});
