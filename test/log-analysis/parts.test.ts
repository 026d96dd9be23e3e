// The pieces of `logs analyze` on their own: the line parser's edge cases, log times, file-name
// order, the capped counter, the latency histogram's error bound, the visitor set and --since/--until.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CappedCounter } from '../../src/log-analysis/capped-counter.ts';
import { LatencyHistogram } from '../../src/log-analysis/latency-histogram.ts';
import { compareLogNames, nameOrder } from '../../src/log-analysis/log-files.ts';
import { LogTimeReader } from '../../src/log-analysis/log-time.ts';
import { parseLine } from '../../src/log-analysis/parse-line.ts';
import { referrerHost } from '../../src/log-analysis/aggregate.ts';
import { classify } from '../../src/log-analysis/user-agents.ts';
import { NumberSet } from '../../src/log-analysis/visitor-set.ts';
import { parseWindowTime, TimeWindowError } from '../../src/log-analysis/time-window.ts';
import { seededRandom } from '../helpers/access-log-generator.ts';
import { AGENT_TRUTH } from '../helpers/known-access-log.ts';

const line = (tail: string) => `203.0.113.9 - alice [01/Dec/2026:12:00:00 +0000] ${tail}`;

describe('parseLine', () => {
  test("blog-server's line: combined + response time", () => {
    assert.deepEqual(parseLine(line('"GET /api/blog/list?author=lisi HTTP/1.1" 200 1234 "https://example.com/x" "Mozilla/5.0 (X11)" 12.5')), {
      address: '203.0.113.9', time: '01/Dec/2026:12:00:00 +0000', method: 'GET', path: '/api/blog/list', status: 200, bytes: 1234,
      referrer: 'https://example.com/x', userAgent: 'Mozilla/5.0 (X11)', responseMs: 12.5,
    });
  });

  test("nginx's combined line, `-` bytes, an IPv6 address, escaped quotes in the agent", () => {
    const parsed = parseLine('2001:db8::1 - - [01/Dec/2026:12:00:00 +0800] "HEAD / HTTP/2.0" 304 - "-" "say \\"hi\\" bot"');
    assert.equal(parsed?.address, '2001:db8::1');
    assert.equal(parsed?.bytes, 0);
    assert.equal(parsed?.status, 304);
    assert.equal(parsed?.userAgent, 'say \\"hi\\" bot');
    assert.equal(parsed?.responseMs, undefined);
  });

  test('a request target with spaces and quotes inside stays one path', () => {
    const parsed = parseLine(line('"GET /a\\" 200 b HTTP/1.1" 404 0 "-" "ua"'));
    assert.equal(parsed?.path, '/a\\" 200 b');
    assert.equal(parsed?.status, 404);
  });

  test('fields after the user agent are ignored, as GoAccess does', () => {
    const parsed = parseLine(line('"GET / HTTP/1.1" 200 5 "-" "ua" "198.51.100.7"'));
    assert.equal(parsed?.userAgent, 'ua');
    assert.equal(parsed?.responseMs, undefined);
  });

  for (const [name, text] of [
    ['no brackets', '203.0.113.9 - - 01/Dec/2026 "GET / HTTP/1.1" 200 5 "-" "ua"'],
    ['a request of `-` (nginx, nothing sent)', line('"-" 400 0 "-" "-"')],
    ['a status of two digits', line('"GET / HTTP/1.1" 20 5 "-" "ua"')],
    ['bytes that are not a number', line('"GET / HTTP/1.1" 200 5k "-" "ua"')],
    ['no user agent', line('"GET / HTTP/1.1" 200 5 "-"')],
    ['an empty line', ''],
  ] as const) {
    test(`malformed: ${name}`, () => assert.equal(parseLine(text), undefined));
  }
});

describe('LogTimeReader', () => {
  test('the day and hour as written, the instant with its offset', () => {
    const reader = new LogTimeReader();
    assert.deepEqual(reader.read('01/Dec/2026:08:30:15 +0800'), { day: '2026-12-01', hour: 8, instant: Date.UTC(2026, 11, 1, 0, 30, 15) });
    assert.deepEqual(reader.read('31/Dec/2026:23:59:59 -0130'), { day: '2026-12-31', hour: 23, instant: Date.UTC(2027, 0, 1, 1, 29, 59) });
  });

  test('impossible times are refused', () => {
    const reader = new LogTimeReader();
    for (const text of ['31/Feb/2026:00:00:00 +0000', '01/Dex/2026:00:00:00 +0000', '01/Dec/2026:24:00:00 +0000', '01/Dec/2026:00:61:00 +0000', '01/Dec/2026:00:00:00 0000', '1/Dec/2026:00:00:00 +0000']) {
      assert.equal(reader.read(text), undefined, text);
    }
  });
});

describe('file names', () => {
  test('every name the writer and logrotate give, in date order; others are not logs', () => {
    const names = ['access.log', 'access.log.1', 'access.log.2.gz', 'access.1.log', 'access.2026-12-01.log', 'access.2026-12-01.1.log', 'access.0.2026-11-30.log.gz', 'access.2026-11-29.log.gz'];
    const sorted = [...names].sort(compareLogNames);
    assert.deepEqual(sorted, ['access.2026-11-29.log.gz', 'access.0.2026-11-30.log.gz', 'access.2026-12-01.log', 'access.2026-12-01.1.log', 'access.log.2.gz', 'access.log.1', 'access.log', 'access.1.log']);
    for (const other of ['error.log', 'access.txt', 'access.log.bak', 'notes.md', 'access.2026-12.log']) assert.equal(nameOrder(other), undefined, other);
  });
});

describe('CappedCounter', () => {
  test('exact under its capacity; past it the rarest keys fold into `other`, the heavy ones stay exact', () => {
    const counter = new CappedCounter(100);
    for (let hit = 0; hit < 50; hit++) counter.add('/popular');
    for (let key = 0; key < 1_000; key++) counter.add(`/random/${key}`);
    assert.ok(counter.size <= 100);
    assert.deepEqual(counter.top(1), [['/popular', 50]]);
    const counted = counter.top(1_000).reduce((sum, [, hits]) => sum + hits, 0);
    assert.equal(counted + counter.other, 1_050, 'no hit is lost: every one is counted or in other');
    assert.ok(counter.folds > 0);
  });
});

describe('LatencyHistogram', () => {
  test('quantiles within 1 % of the exact nearest rank, in fixed memory', () => {
    const random = seededRandom(3);
    const histogram = new LatencyHistogram();
    const values: number[] = [];
    for (let index = 0; index < 50_000; index++) {
      const value = Math.exp(random() * 10 - 3); // 0.05 ms to 1 s, log-uniform
      values.push(value);
      histogram.add(value);
    }
    values.sort((a, b) => a - b);
    for (const fraction of [0.5, 0.95, 0.99, 0.999]) {
      const exact = values[Math.ceil(fraction * values.length) - 1] as number;
      const reported = histogram.quantile(fraction) as number;
      assert.ok(Math.abs(reported - exact) / exact < 0.01, `${fraction}: ${reported} vs ${exact}`);
    }
    assert.equal(new LatencyHistogram().quantile(0.5), undefined);
  });
});

describe('NumberSet', () => {
  test('counts distinct members through growth', () => {
    const set = new NumberSet();
    const random = seededRandom(9);
    const exact = new Set<number>();
    for (let index = 0; index < 30_000; index++) {
      const key = 1 + Math.floor(random() * 20_000) * 2 ** 30;
      const isNew = !exact.has(key);
      exact.add(key);
      assert.equal(set.add(key), isNew);
    }
    assert.equal(set.size, exact.size);
  });
});

describe('user agents and referrers', () => {
  test('each generated agent gets its known browser, system or crawler', () => {
    for (const [agent, truth] of Object.entries(AGENT_TRUTH)) {
      const found = classify(agent);
      assert.equal(found.crawler, truth.crawler, agent);
      if (!truth.crawler) assert.deepEqual([found.browser, found.os], [truth.browser, truth.os], agent);
    }
    assert.equal(classify('-').browser, 'Other');
  });

  test('the referring host', () => {
    assert.equal(referrerHost('https://www.Google.com/search?q=x'), 'www.google.com');
    assert.equal(referrerHost('http://example.com:8080?x'), 'example.com:8080');
    assert.equal(referrerHost('-'), undefined);
  });
});

describe('--since / --until', () => {
  test('ISO dates and date-times, UTC unless an offset is written', () => {
    assert.equal(parseWindowTime('since', '2026-12-01', false), Date.UTC(2026, 11, 1));
    assert.equal(parseWindowTime('until', '2026-12-01', true), Date.UTC(2026, 11, 2));
    assert.equal(parseWindowTime('since', '2026-12-01T08:00', false), Date.UTC(2026, 11, 1, 8));
    assert.equal(parseWindowTime('since', '2026-12-01 08:00:30+08:00', false), Date.UTC(2026, 11, 1, 0, 0, 30));
    for (const bad of ['yesterday', '2026-13-01', '2026-02-30', '12/01/2026', '']) assert.throws(() => parseWindowTime('since', bad, false), TimeWindowError, bad);
  });
});
