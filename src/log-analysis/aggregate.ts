/**
 * Adds parsed lines into the figures of a LogReport, in memory bounded by the caps below: the
 * visitor set grows with unique visitors only (one number each), paths and referrers are capped
 * counters, latency a fixed histogram, user agents a bounded cache.
 */
import { CappedCounter } from './capped-counter.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { NumberSet } from './visitor-set.ts';
import type { LogLine } from './parse-line.ts';
import type { LogTime } from './log-time.ts';
import type { Counted, CountedTop, FileRead, LogReport, MalformedLine } from './report.ts';
import { AgentClassifier, BROWSER_FAMILIES, fnv1a, mixHash } from './user-agents.ts';

/** Distinct paths (and 404 paths, and referring hosts) counted exactly before folding. */
export const KEY_CAPACITY = 20_000;
/** Malformed lines shown in the report. */
export const MALFORMED_SHOWN = 5;

interface DayFigures {
  requests: number;
  bytes: number;
  visitors: number;
  /** The day's two hashes, mixed into its visitors' keys. */
  readonly hashHigh: number;
  readonly hashLow: number;
}

export class Aggregator {
  readonly #agents = new AgentClassifier();
  readonly #days = new Map<string, DayFigures>();
  readonly #hours = Array.from({ length: 24 }, () => ({ requests: 0, bytes: 0 }));
  readonly #statuses = new Map<number, number>();
  readonly #paths = new CappedCounter(KEY_CAPACITY);
  readonly #notFound = new CappedCounter(KEY_CAPACITY);
  readonly #referrers = new CappedCounter(KEY_CAPACITY);
  readonly #browsers = new Map<string, number>();
  readonly #systems = new Map<string, number>();
  readonly #latency = new LatencyHistogram();
  /**
   * Every day's visitors in one set, one number each: a 52-bit hash of address + user agent + day.
   * GoAccess keys visitors by address + date + agent; a hash instead of the strings keeps memory at
   * 11–23 bytes a visitor (visitor-set.ts). Two visitors collide with probability about n²/2⁵³
   * (1 in 10,000 for a million visitors in the whole report).
   */
  readonly #visitors = new NumberSet();
  readonly #malformed: MalformedLine[] = [];
  #lines = 0;
  #requests = 0;
  #malformedCount = 0;
  #outsideWindow = 0;
  #bytes = 0;
  #crawlers = 0;
  #first = Infinity;
  #last = -Infinity;

  /** A non-empty line that did not parse. */
  addMalformed(file: string, line: number, text: string): void {
    this.#lines++;
    this.#malformedCount++;
    if (this.#malformed.length < MALFORMED_SHOWN) this.#malformed.push({ file, line, text: text.length > 300 ? `${text.slice(0, 300)}…` : text });
  }

  addOutsideWindow(): void {
    this.#lines++;
    this.#outsideWindow++;
  }

  add(line: LogLine, time: LogTime): void {
    this.#lines++;
    this.#requests++;
    this.#bytes += line.bytes;
    if (time.instant < this.#first) this.#first = time.instant;
    if (time.instant > this.#last) this.#last = time.instant;

    let day = this.#days.get(time.day);
    if (day === undefined) {
      day = { requests: 0, bytes: 0, visitors: 0, hashHigh: fnv1a(time.day), hashLow: mixHash(time.day) };
      this.#days.set(time.day, day);
    }
    day.requests++;
    day.bytes += line.bytes;
    const hour = this.#hours[time.hour] as { requests: number; bytes: number };
    hour.requests++;
    hour.bytes += line.bytes;

    const status = line.status;
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
    this.#paths.add(line.path);
    if (status === 404) this.#notFound.add(line.path);

    const agent = this.#agents.classify(line.userAgent);
    // GoAccess leaves 4xx answers out of unique visitors unless --4xx-to-unique-count.
    if (status < 400 || status > 499) {
      const high = (fnv1a(line.address) ^ agent.hashHigh ^ day.hashHigh) >>> 0;
      const low = (mixHash(line.address) ^ agent.hashLow ^ day.hashLow) >>> 12;
      if (this.#visitors.add(high * 1_048_576 + low + 1)) day.visitors++;
    }
    if (agent.crawler) this.#crawlers++;
    else {
      this.#browsers.set(agent.browser, (this.#browsers.get(agent.browser) ?? 0) + 1);
      this.#systems.set(agent.os, (this.#systems.get(agent.os) ?? 0) + 1);
    }

    const host = referrerHost(line.referrer);
    if (host !== undefined) this.#referrers.add(host);
    if (line.responseMs !== undefined) this.#latency.add(line.responseMs);
  }

  report(files: readonly FileRead[], window: { since: number | undefined; until: number | undefined }, topCount: number): LogReport {
    const days = [...this.#days].sort(([a], [b]) => (a < b ? -1 : 1));
    const human = this.#requests - this.#crawlers;
    const shares = (counts: Map<string, number>, names: readonly string[]) => names.map((name) => {
      const requests = counts.get(name) ?? 0;
      return { name, requests, share: human === 0 ? 0 : requests / human };
    });
    const statusClasses: Record<string, number> = {};
    for (const [status, requests] of [...this.#statuses].sort(([a], [b]) => a - b)) {
      const name = `${Math.floor(status / 100)}xx`;
      statusClasses[name] = (statusClasses[name] ?? 0) + requests;
    }
    const latency = this.#latency;
    return {
      files,
      window: { since: isoOrNull(window.since), until: isoOrNull(window.until) },
      period: { first: isoOrNull(this.#requests > 0 ? this.#first : undefined), last: isoOrNull(this.#requests > 0 ? this.#last : undefined) },
      totals: {
        lines: this.#lines,
        requests: this.#requests,
        malformed: this.#malformedCount,
        outsideWindow: this.#outsideWindow,
        uniqueVisitors: this.#visitors.size,
        bytes: this.#bytes,
        crawlerRequests: this.#crawlers,
      },
      malformed: this.#malformed,
      days: days.map(([day, figures]) => ({ day, requests: figures.requests, visitors: figures.visitors, bytes: figures.bytes })),
      hours: this.#hours.map((figures, hour) => ({ hour, requests: figures.requests, bytes: figures.bytes })),
      statusClasses,
      statusCodes: [...this.#statuses].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([status, requests]) => ({ status, requests })),
      paths: topOf(this.#paths, topCount),
      notFound: topOf(this.#notFound, topCount),
      browsers: shares(this.#browsers, BROWSER_FAMILIES),
      operatingSystems: shares(this.#systems, [...this.#systems].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name)),
      referrers: topOf(this.#referrers, topCount),
      latency: latency.count === 0 ? null : {
        requests: latency.count,
        p50: round3(latency.quantile(0.5) as number),
        p95: round3(latency.quantile(0.95) as number),
        p99: round3(latency.quantile(0.99) as number),
        mean: round3(latency.sum / latency.count),
        max: latency.max,
      },
    };
  }
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
const isoOrNull = (instant: number | undefined) => (instant === undefined ? null : new Date(instant).toISOString());

function topOf(counter: CappedCounter, limit: number): CountedTop {
  const top: Counted[] = counter.top(limit).map(([name, requests]) => ({ name, requests }));
  return { top, distinct: counter.size, other: counter.other };
}

/** `https://www.google.com/search?q=x` → `www.google.com`; undefined for `-` or an empty referrer. */
export function referrerHost(referrer: string): string | undefined {
  if (referrer === '-' || referrer === '') return undefined;
  const scheme = referrer.indexOf('://');
  const start = scheme === -1 ? 0 : scheme + 3;
  let end = referrer.length;
  for (let at = start; at < referrer.length; at++) {
    const code = referrer.charCodeAt(at);
    if (code === 47 || code === 63 || code === 35) {
      end = at;
      break;
    }
  }
  return end > start ? referrer.slice(start, end).toLowerCase() : undefined;
}
