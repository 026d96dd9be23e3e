// `logs analyze` reads what blog-server itself writes: a real server (ACCESS_LOG=combined) answers
// known requests, then the analysis of its LOG_DIR finds every one of them, with no malformed line.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LogReport } from '../../src/log-analysis/report.ts';
import { Client } from '../helpers/client.ts';
import { runCli } from '../helpers/cli.ts';
import { USER_AGENTS } from '../helpers/access-log-generator.ts';
import { startTestServer } from '../helpers/start-server.ts';

const sent: { path: string; agent: string; referrer?: string }[] = [
  { path: '/api/blog/list?author=zhangsan', agent: USER_AGENTS.chromeWindows, referrer: 'https://www.google.com/search?q=blog' },
  { path: '/api/blog/list', agent: USER_AGENTS.chromeWindows },
  { path: '/api/blog/detail?id=1', agent: USER_AGENTS.safariIphone, referrer: 'https://www.google.com/' },
  { path: '/api/blog/detail?id=999999', agent: USER_AGENTS.firefoxLinux },
  { path: '/api/nope', agent: USER_AGENTS.googlebot },
  { path: '/api/blog/list', agent: 'quote " and \\ backslash' },
];

test("blog-server's own access log, analysed: every request, no malformed line", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'logs-real-'));
  try {
    const server = await startTestServer({ dataDir, env: { ACCESS_LOG: 'combined' } });
    const statuses: number[] = [];
    try {
      const client = new Client(server.url);
      for (const { path, agent, referrer } of sent) {
        const reply = await client.request('GET', path, { headers: { 'user-agent': agent, ...(referrer === undefined ? {} : { referer: referrer }) } });
        statuses.push(reply.status);
      }
    } finally {
      await server.close(); // flushes the log
    }

    const result = await runCli(['logs', 'analyze', join(dataDir, 'logs'), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as LogReport;
    assert.equal(report.totals.malformed, 0, JSON.stringify(report.malformed));
    assert.equal(report.totals.requests, sent.length);
    assert.equal(report.latency?.requests, sent.length, 'every line carries its response time');
    const codes = new Map<number, number>();
    for (const status of statuses) codes.set(status, (codes.get(status) ?? 0) + 1);
    assert.deepEqual(new Map(report.statusCodes.map((item) => [item.status, item.requests])), codes);
    assert.deepEqual(report.paths.top.find((item) => item.name === '/api/blog/list')?.requests, 3);
    assert.deepEqual(report.referrers.top, [{ name: 'www.google.com', requests: 2 }]);
    assert.equal(report.totals.crawlerRequests, 1);
    assert.deepEqual(report.browsers.filter((browser) => browser.requests > 0).map((browser) => [browser.name, browser.requests]), [['Chrome', 2], ['Safari', 1], ['Firefox', 1], ['Other', 1]]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
