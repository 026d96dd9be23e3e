/**
 * The result of `blog-server logs analyze`, as `--json` prints it (and the table and HTML show it).
 * Times are ISO 8601 (UTC); days and hours are as written in the log, as GoAccess groups them.
 */

export interface FileRead {
  readonly path: string;
  readonly gzip: boolean;
  /** Bytes on disk (compressed size for .gz). */
  readonly bytes: number;
  readonly lines: number;
}

export interface Counted {
  readonly name: string;
  readonly requests: number;
}

export interface MalformedLine {
  readonly file: string;
  /** 1-based line number in that file. */
  readonly line: number;
  /** The line, cut at 300 characters. */
  readonly text: string;
}

export interface LogReport {
  /** Every file read, in the order read (dated files by date, then the active ones). */
  readonly files: readonly FileRead[];
  /** The --since/--until window (null: open). */
  readonly window: { readonly since: string | null; readonly until: string | null };
  /** The first and last request time seen in the window. */
  readonly period: { readonly first: string | null; readonly last: string | null };
  readonly totals: {
    /** Non-empty lines read (GoAccess `total_requests`). */
    readonly lines: number;
    /** Parsed lines inside the window: what every figure below counts (GoAccess `valid_requests`). */
    readonly requests: number;
    /** Lines that are not combined log lines, skipped (GoAccess `failed_requests`). */
    readonly malformed: number;
    /** Parsed lines outside --since/--until, skipped. */
    readonly outsideWindow: number;
    /** Sum over the days of each day's unique visitors (GoAccess `unique_visitors`). */
    readonly uniqueVisitors: number;
    /** Sum of the bytes fields. */
    readonly bytes: number;
    /** Requests by crawlers (included in every figure except browsers and operating systems). */
    readonly crawlerRequests: number;
  };
  /** The first few malformed lines, where they are. */
  readonly malformed: readonly MalformedLine[];
  readonly days: readonly { readonly day: string; readonly requests: number; readonly visitors: number; readonly bytes: number }[];
  /** Index = hour of the day (0–23), over every day. */
  readonly hours: readonly { readonly hour: number; readonly requests: number; readonly bytes: number }[];
  /** `2xx`… → requests. */
  readonly statusClasses: Readonly<Record<string, number>>;
  /** By code, most requests first. */
  readonly statusCodes: readonly { readonly status: number; readonly requests: number }[];
  /** Paths with query strings folded (`/a?b=1` → `/a`), every status. */
  readonly paths: CountedTop;
  /** Paths answered 404. */
  readonly notFound: CountedTop;
  /** Browser families of non-crawler requests: Chrome, Safari, Firefox, Edge, Other; share of those requests. */
  readonly browsers: readonly (Counted & { readonly share: number })[];
  /** Operating systems of non-crawler requests. */
  readonly operatingSystems: readonly (Counted & { readonly share: number })[];
  /** Hosts of the Referer field (`-` is no referrer and not counted). */
  readonly referrers: CountedTop;
  /** Response time in ms, when lines carry one (blog-server's format); null otherwise. */
  readonly latency: {
    readonly requests: number;
    /** Within 1 % (log-scale histogram, see latency-histogram.ts). */
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly mean: number;
    readonly max: number;
  } | null;
}

export interface CountedTop {
  /** The most requested, at most --top of them. */
  readonly top: readonly Counted[];
  /** Distinct keys still counted (at most the capacity). */
  readonly distinct: number;
  /** Requests of keys folded away once the capacity was reached (0: every count is exact). */
  readonly other: number;
}
