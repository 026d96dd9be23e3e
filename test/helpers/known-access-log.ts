/**
 * A small access log of known content for the `logs analyze` tests: deterministic records over three
 * days plus malformed lines, and the figures a report must show, counted from the records themselves
 * (never by parsing the text), with the browser and OS of each generated agent written out by hand.
 */
import { formatRecord, realisticRecords, USER_AGENTS, type LogRecord } from './access-log-generator.ts';

/** What each generated agent is: the truth the classifier is checked against. */
export const AGENT_TRUTH: Readonly<Record<string, { crawler: boolean; browser: string; os: string }>> = {
  [USER_AGENTS.chromeWindows]: { crawler: false, browser: 'Chrome', os: 'Windows' },
  [USER_AGENTS.chromeMac]: { crawler: false, browser: 'Chrome', os: 'macOS' },
  [USER_AGENTS.chromeAndroid]: { crawler: false, browser: 'Chrome', os: 'Android' },
  [USER_AGENTS.safariMac]: { crawler: false, browser: 'Safari', os: 'macOS' },
  [USER_AGENTS.safariIphone]: { crawler: false, browser: 'Safari', os: 'iOS' },
  [USER_AGENTS.firefoxLinux]: { crawler: false, browser: 'Firefox', os: 'Linux' },
  [USER_AGENTS.firefoxWindows]: { crawler: false, browser: 'Firefox', os: 'Windows' },
  [USER_AGENTS.edgeWindows]: { crawler: false, browser: 'Edge', os: 'Windows' },
  [USER_AGENTS.wechat]: { crawler: false, browser: 'Other', os: 'iOS' },
  [USER_AGENTS.googlebot]: { crawler: true, browser: '', os: '' },
  [USER_AGENTS.bingbot]: { crawler: true, browser: '', os: '' },
  [USER_AGENTS.baiduspider]: { crawler: true, browser: '', os: '' },
  [USER_AGENTS.curl]: { crawler: true, browser: '', os: '' },
};

/** Lines that are not combined log lines; each is counted and skipped. */
export const MALFORMED_LINES = [
  'this is not an access log line',
  '10.0.0.1 - - [28/Nov/2026:01:02:03 +0000] "GET / HTTP/1.1" abc 12 "-" "curl/8.5.0"',
  '10.0.0.1 - - [31/Foo/2026:01:02:03 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"',
  '10.0.0.1 - - 28/Nov/2026:01:02:03 +0000 "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"',
  '10.0.0.1 - - [28/Nov/2026:01:02:03 +0000] "GET / HTTP/1.1" 200',
  '10.0.0.1 - - [28/Nov/2026:25:02:03 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"',
];

export const KNOWN_START = Date.UTC(2026, 10, 28, 0, 0, 0);

/** `count` records from 28 Nov 2026 00:00 UTC, one every ~65 s (so three days for 4,000). */
export function knownRecords(count: number, withResponseTime = true): LogRecord[] {
  const records: LogRecord[] = [];
  for (const record of realisticRecords({ seed: 42, start: KNOWN_START, stepMs: 65_000, addresses: 300, withResponseTime })) {
    records.push(record);
    if (records.length === count) break;
  }
  return records;
}

/** The records as lines, with the malformed lines spread among them at known places; ends with a newline. */
export function knownLog(records: readonly LogRecord[], malformed: readonly string[] = MALFORMED_LINES): string {
  const lines = records.map((record) => formatRecord(record));
  malformed.forEach((line, index) => lines.splice(10 + index * 37, 0, line));
  return `${lines.join('\n')}\n`;
}

const hostOf = (referrer: string) => (referrer === '-' ? undefined : new URL(referrer).host);

const sortedCounts = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name, requests]) => ({ name, requests }));

function tally<T>(records: readonly LogRecord[], keyOf: (record: LogRecord) => T | undefined): Map<T, number> {
  const counts = new Map<T, number>();
  for (const record of records) {
    const key = keyOf(record);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The figures a report of `records` must show (the parts of LogReport computed independently). */
export function expectedFigures(records: readonly LogRecord[], top = 10) {
  const day = (record: LogRecord) => new Date(record.time).toISOString().slice(0, 10);
  const visitorsByDay = new Map<string, Set<string>>();
  for (const record of records) {
    if (record.status >= 400 && record.status < 500) continue;
    const set = visitorsByDay.get(day(record)) ?? new Set<string>();
    set.add(`${record.address}\n${record.userAgent}`);
    visitorsByDay.set(day(record), set);
  }
  const humans = records.filter((record) => !(AGENT_TRUTH[record.userAgent] as { crawler: boolean }).crawler);
  const pathOf = (record: LogRecord) => record.url.split('?')[0] as string;
  const statusClasses: Record<string, number> = {};
  for (const [status, requests] of [...tally(records, (record) => record.status)].sort((a, b) => a[0] - b[0])) {
    statusClasses[`${Math.floor(status / 100)}xx`] = (statusClasses[`${Math.floor(status / 100)}xx`] ?? 0) + requests;
  }
  const days = [...new Set(records.map(day))].sort();
  const timed = records.flatMap((record) => (record.responseMs === undefined ? [] : [record.responseMs])).sort((a, b) => a - b);
  const browserCounts = tally(humans, (record) => AGENT_TRUTH[record.userAgent]?.browser);
  return {
    requests: records.length,
    bytes: records.reduce((sum, record) => sum + (record.bytes ?? 0), 0),
    crawlerRequests: records.length - humans.length,
    uniqueVisitors: [...visitorsByDay.values()].reduce((sum, set) => sum + set.size, 0),
    days: days.map((name) => {
      const ofDay = records.filter((record) => day(record) === name);
      return { day: name, requests: ofDay.length, visitors: visitorsByDay.get(name)?.size ?? 0, bytes: ofDay.reduce((sum, record) => sum + (record.bytes ?? 0), 0) };
    }),
    hours: Array.from({ length: 24 }, (_, hour) => {
      const ofHour = records.filter((record) => new Date(record.time).getUTCHours() === hour);
      return { hour, requests: ofHour.length, bytes: ofHour.reduce((sum, record) => sum + (record.bytes ?? 0), 0) };
    }),
    statusClasses,
    statusCodes: [...tally(records, (record) => record.status)].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([status, requests]) => ({ status, requests })),
    paths: sortedCounts(tally(records, pathOf)).slice(0, top),
    distinctPaths: tally(records, pathOf).size,
    notFound: sortedCounts(tally(records.filter((record) => record.status === 404), pathOf)).slice(0, top),
    referrers: sortedCounts(tally(records, (record) => hostOf(record.referrer))).slice(0, top),
    browsers: ['Chrome', 'Safari', 'Firefox', 'Edge', 'Other'].map((name) => ({ name, requests: browserCounts.get(name) ?? 0, share: (browserCounts.get(name) ?? 0) / humans.length })),
    operatingSystems: sortedCounts(tally(humans, (record) => AGENT_TRUTH[record.userAgent]?.os)).map((item) => ({ ...item, share: item.requests / humans.length })),
    /** Nearest-rank quantiles of the exact response times. */
    latency: timed.length === 0 ? null : {
      requests: timed.length,
      p50: timed[Math.ceil(0.5 * timed.length) - 1] as number,
      p95: timed[Math.ceil(0.95 * timed.length) - 1] as number,
      p99: timed[Math.ceil(0.99 * timed.length) - 1] as number,
      mean: timed.reduce((sum, value) => sum + value, 0) / timed.length,
      max: timed.at(-1) as number,
    },
    first: new Date(Math.floor(Math.min(...records.map((record) => record.time)) / 1000) * 1000).toISOString(),
    last: new Date(Math.floor(Math.max(...records.map((record) => record.time)) / 1000) * 1000).toISOString(),
  };
}
