// `blog-server logs analyze` through the built CLI on generated logs of known content: exact figures
// in --json (malformed lines, gzip, a folder of rotated and per-instance files, --since/--until),
// agreement with Debian's GoAccess on the same file, the terminal table, and the usage errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { LogReport } from '../../src/log-analysis/report.ts';
import { formatRecord, type LogRecord } from '../helpers/access-log-generator.ts';
import { cliEntry, runCli } from '../helpers/cli.ts';
import { expectedFigures, knownLog, knownRecords, MALFORMED_LINES } from '../helpers/known-access-log.ts';

const run = promisify(execFile);
const RECORDS = knownRecords(4_000);

let dir: string;
let plain: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logs-analyze-'));
  plain = join(dir, 'access.log');
  await writeFile(plain, knownLog(RECORDS));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function analyze(args: string[], env: Record<string, string> = {}): Promise<LogReport> {
  const result = await runCli(['logs', 'analyze', '--json', ...args], { env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as LogReport;
}

/** Every figure of `report` against the records it was made of. */
function assertFigures(report: LogReport, records: readonly LogRecord[], malformed: number) {
  const expected = expectedFigures(records);
  assert.equal(report.totals.requests, expected.requests);
  assert.equal(report.totals.malformed, malformed);
  assert.equal(report.totals.bytes, expected.bytes);
  assert.equal(report.totals.crawlerRequests, expected.crawlerRequests);
  assert.equal(report.totals.uniqueVisitors, expected.uniqueVisitors);
  assert.deepEqual(report.days, expected.days);
  assert.deepEqual(report.hours, expected.hours);
  assert.deepEqual(report.statusClasses, expected.statusClasses);
  assert.deepEqual(report.statusCodes, expected.statusCodes);
  assert.deepEqual(report.paths.top, expected.paths);
  assert.equal(report.paths.distinct, expected.distinctPaths);
  assert.equal(report.paths.other, 0);
  assert.deepEqual(report.notFound.top, expected.notFound);
  assert.deepEqual(report.referrers.top, expected.referrers);
  assert.deepEqual(report.browsers, expected.browsers);
  assert.deepEqual(report.operatingSystems, expected.operatingSystems);
  assert.equal(report.period.first, expected.first);
  assert.equal(report.period.last, expected.last);
  if (expected.latency === null) assert.equal(report.latency, null);
  else {
    assert.ok(report.latency !== null);
    assert.equal(report.latency.requests, expected.latency.requests);
    assert.equal(report.latency.max, expected.latency.max);
    for (const name of ['p50', 'p95', 'p99'] as const) {
      // The histogram promises 1 % (latency-histogram.ts); the exact value is the nearest rank.
      const relative = Math.abs(report.latency[name] - expected.latency[name]) / expected.latency[name];
      assert.ok(relative < 0.01, `${name}: ${report.latency[name]} vs exact ${expected.latency[name]}`);
    }
    assert.ok(Math.abs(report.latency.mean - expected.latency.mean) < 0.001);
  }
}

describe('logs analyze --json', () => {
  test('a plain file of known content gives exactly its figures, malformed lines counted and shown', async () => {
    const report = await analyze([plain]);
    assertFigures(report, RECORDS, MALFORMED_LINES.length);
    assert.equal(report.totals.lines, RECORDS.length + MALFORMED_LINES.length);
    assert.equal(report.totals.outsideWindow, 0);
    assert.deepEqual(report.files, [{ path: plain, gzip: false, bytes: Buffer.byteLength(knownLog(RECORDS)), lines: RECORDS.length + MALFORMED_LINES.length }]);
    // The first five, where knownLog put them (line 11, then every 37 lines + 1 for the ones before).
    assert.deepEqual(report.malformed, MALFORMED_LINES.slice(0, 5).map((text, index) => ({ file: plain, line: 11 + index * 37, text })));
    assert.deepEqual(report.window, { since: null, until: null });
    // The seed's question: Chrome's share of the visitors' requests.
    const chrome = report.browsers.find((browser) => browser.name === 'Chrome');
    assert.ok(chrome !== undefined && chrome.share > 0.4 && chrome.share < 0.8, JSON.stringify(chrome));
  });

  test('a gzipped file reads the same as the plain one', async () => {
    const gz = join(dir, 'copy.log.gz');
    await writeFile(gz, gzipSync(knownLog(RECORDS)));
    const report = await analyze([gz]);
    assertFigures(report, RECORDS, MALFORMED_LINES.length);
    assert.equal(report.files[0]?.gzip, true);
  });

  test("nginx's combined lines (no response time) parse, with no latency", async () => {
    const records = knownRecords(500, false);
    const file = join(dir, 'nginx.log');
    await writeFile(file, knownLog(records, []));
    const report = await analyze([file]);
    assertFigures(report, records, 0);
    assert.equal(report.latency, null);
  });

  test('a folder of rotated, gzipped and per-instance files: all read in date order, merged, other files ignored', async () => {
    const folder = join(dir, 'rotated');
    await mkdir(folder);
    // Lines of one day split over several instances' files; the aggregates cannot depend on order.
    const parts: [string, (record: LogRecord, index: number) => boolean, boolean][] = [
      ['access.2026-11-28.log.gz', (record) => record.time < Date.UTC(2026, 10, 29), true],
      ['access.0.2026-11-29.log', (record, index) => record.time >= Date.UTC(2026, 10, 29) && record.time < Date.UTC(2026, 10, 30) && index % 2 === 0, false],
      ['access.1.2026-11-29.log.gz', (record, index) => record.time >= Date.UTC(2026, 10, 29) && record.time < Date.UTC(2026, 10, 30) && index % 2 === 1, true],
      ['access.log.2.gz', (record, index) => record.time >= Date.UTC(2026, 10, 30) && index % 3 === 0, true],
      ['access.log.1', (record, index) => record.time >= Date.UTC(2026, 10, 30) && index % 3 === 1, false],
      ['access.log', (record, index) => record.time >= Date.UTC(2026, 10, 30) && index % 3 === 2, false],
    ];
    for (const [name, belongs, gzip] of parts) {
      const text = `${RECORDS.filter(belongs).map((record) => formatRecord(record)).join('\n')}\n`;
      await writeFile(join(folder, name), gzip ? gzipSync(text) : text);
    }
    await writeFile(join(folder, 'notes.txt'), 'not a log\n');
    await writeFile(join(folder, 'error.log'), 'not an access log\n');
    const report = await analyze([folder]);
    assertFigures(report, RECORDS, 0);
    assert.deepEqual(report.files.map((file) => file.path), [
      'access.2026-11-28.log.gz', 'access.0.2026-11-29.log', 'access.1.2026-11-29.log.gz', 'access.log.2.gz', 'access.log.1', 'access.log',
    ].map((name) => join(folder, name)));
    assert.equal(report.totals.lines, RECORDS.length);
  });

  test('--since/--until keep a window (a date alone for --until means the end of that day)', async () => {
    const second = (record: LogRecord) => Math.floor(record.time / 1000) * 1000;
    const since = Date.parse('2026-11-29T06:30:00Z');
    const inWindow = RECORDS.filter((record) => second(record) >= since && second(record) < Date.UTC(2026, 10, 30));
    const report = await analyze([plain, '--since', '2026-11-29T06:30', '--until', '2026-11-29']);
    assertFigures(report, inWindow, MALFORMED_LINES.length);
    assert.equal(report.totals.outsideWindow, RECORDS.length - inWindow.length);
    assert.deepEqual(report.window, { since: '2026-11-29T06:30:00.000Z', until: '2026-11-30T00:00:00.000Z' });

    // An offset is honoured: 08:00+08:00 is midnight UTC.
    const offset = await analyze([plain, '--since', '2026-11-30T08:00+08:00']);
    assert.equal(offset.totals.requests, RECORDS.filter((record) => second(record) >= Date.UTC(2026, 10, 30)).length);
  });

  test('--top sets the length of the top lists', async () => {
    const report = await analyze([plain, '--top', '3']);
    assert.deepEqual(report.paths.top, expectedFigures(RECORDS, 3).paths);
    assert.equal(report.referrers.top.length, 3);
  });

  test('without a path it reads LOG_DIR', async () => {
    const logDir = join(dir, 'log-dir');
    await mkdir(logDir);
    await writeFile(join(logDir, 'access.log'), knownLog(RECORDS.slice(0, 100), []));
    const report = await analyze([], { LOG_DIR: logDir });
    assert.equal(report.totals.requests, 100);
    assert.deepEqual(report.files.map((file) => file.path), [join(logDir, 'access.log')]);
  });
});

describe('logs analyze agrees with GoAccess', () => {
  test('total and valid requests, unique visitors, status codes and paths', async () => {
    const output = join(dir, 'goaccess.json');
    // blog-server's format: combined + the response time in ms (%L); -q folds query strings as we do.
    await run('goaccess', [plain, '--log-format=%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %L', '--date-format=%d/%b/%Y', '--time-format=%T', '-q', '--no-global-config', '-o', output], { timeout: 30_000 });
    interface Panel { data: { data: string; hits: { count: number }; items?: { data: string; hits: { count: number } }[] }[] }
    const goaccess = JSON.parse(await readFile(output, 'utf8')) as Record<string, Panel> & { general: { total_requests: number; valid_requests: number; failed_requests: number; unique_visitors: number } };
    const ours = await analyze([plain]);

    assert.equal(ours.totals.lines, goaccess.general.total_requests);
    assert.equal(ours.totals.requests, goaccess.general.valid_requests);
    assert.equal(ours.totals.malformed, goaccess.general.failed_requests);
    assert.equal(ours.totals.uniqueVisitors, goaccess.general.unique_visitors);
    const perDay = Object.fromEntries(goaccess.visitors?.data.map((day) => [day.data, day.hits.count]) ?? []);
    assert.deepEqual(Object.fromEntries(ours.days.map((day) => [day.day.replaceAll('-', ''), day.requests])), perDay);

    const codes = new Map<number, number>();
    for (const group of goaccess.status_codes?.data ?? []) for (const item of group.items ?? []) codes.set(Number(item.data.slice(0, 3)), item.hits.count);
    assert.deepEqual(new Map(ours.statusCodes.map((item) => [item.status, item.requests])), codes);

    // GoAccess splits paths into requested files, static files and 404s; together they are our paths.
    const paths = new Map<string, number>();
    for (const panel of ['requests', 'static_requests', 'not_found']) {
      for (const item of goaccess[panel]?.data ?? []) paths.set(item.data, (paths.get(item.data) ?? 0) + item.hits.count);
    }
    const all = await analyze([plain, '--top', '1000']);
    assert.deepEqual(new Map(all.paths.top.map((item) => [item.name, item.requests])), paths);
  });
});

describe('logs analyze on a terminal', () => {
  test('prints a readable table with the figures', async () => {
    const result = await runCli(['logs', 'analyze', plain]);
    assert.equal(result.code, 0, result.stderr);
    const expected = expectedFigures(RECORDS);
    assert.match(result.stdout, new RegExp(`Valid requests\\s+${expected.requests.toLocaleString('en-US')}\\n`));
    assert.match(result.stdout, new RegExp(`Unique visitors \\(per day, summed\\)\\s+${expected.uniqueVisitors.toLocaleString('en-US')}\\n`));
    assert.match(result.stdout, new RegExp(`Malformed lines \\(skipped\\)\\s+${MALFORMED_LINES.length}\\n`));
    assert.match(result.stdout, /Top paths \(query strings folded\)\n\s+path\s+requests\s+share\n/);
    assert.match(result.stdout, new RegExp(`\\n\\s+${expected.paths[0]?.name.replace(/[.?]/g, '\\$&')}\\s+${expected.paths[0]?.requests.toLocaleString('en-US')}\\s`));
    assert.match(result.stdout, /Response time\s+p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms/);
    assert.match(result.stdout, /Malformed lines \(first 5 of 6\)\n/);
    // stderr is not a terminal here: no progress line.
    assert.equal(result.stderr, '');
  });

  test('on a terminal, stderr shows a progress line that is cleared at the end; stdout stays clean', async () => {
    // util-linux `script` runs the command on a pseudo-terminal; stdout goes to a file.
    const output = join(dir, 'progress.json');
    const { stdout } = await run('script', ['-qec', `"${process.execPath}" "${cliEntry}" logs analyze "${plain}" --json > "${output}"`, '/dev/null'], { env: { ...process.env, NODE_ENV: 'test' }, timeout: 30_000 });
    const clear = '\r\u001b[K'; // carriage return + erase to the end of the line
    assert.ok(stdout.includes(`${clear}reading `), JSON.stringify(stdout.slice(0, 200)));
    assert.match(stdout, /reading [\d.]+ [kKMG]?B of 90\d\.\d KB \(\d+ %\), [\d,]+ lines/);
    assert.ok(stdout.trimEnd().endsWith(clear), 'the line is cleared at the end');
    const report = JSON.parse(await readFile(output, 'utf8')) as LogReport;
    assert.equal(report.totals.requests, RECORDS.length);
  });
});

describe('logs analyze usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing file', ['logs', 'analyze', '/no/such/access.log'], /\/no\/such\/access\.log: no such file or folder/],
    ['a bad --since', ['logs', 'analyze', '--since', 'yesterday'], /--since: expected an ISO 8601 date or date-time .*got "yesterday"/],
    ['an impossible date', ['logs', 'analyze', '--until', '2026-02-31'], /--until: expected an ISO 8601 date/],
    ['--since after --until', ['logs', 'analyze', '--since', '2026-12-02', '--until', '2026-12-01'], /--since must be before --until/],
    ['a bad --top', ['logs', 'analyze', '--top', '0'], /--top: expected a whole number from 1 to 1000, got "0"/],
    ['no subcommand', ['logs'], /Usage: blog-server logs analyze/],
  ];
  for (const [name, args, message] of cases) {
    test(`${name}: a clear message, exit status 2`, async () => {
      const result = await runCli(args, { env: { LOG_DIR: dir } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    });
  }

  test('a folder without access logs: exit status 2', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const result = await runCli(['logs', 'analyze', empty]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /empty: no access logs in this folder/);
  });

  test('an unknown option is refused with the command help, like every command', async () => {
    const result = await runCli(['logs', 'analyze', plain, '--jsn']);
    // main.ts maps option errors to status 1 for every command (test/cli/cli.test.ts pins it).
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Unknown option '--jsn'/);
    assert.match(result.stderr, /Usage: blog-server logs analyze/);
  });

  test('--help lists the options', async () => {
    const result = await runCli(['logs', '--help']);
    assert.equal(result.code, 0);
    for (const option of ['--json', '--html <file>', '--since <time>', '--until <time>', '--top <n>']) assert.ok(result.stdout.includes(option), option);
  });
});
