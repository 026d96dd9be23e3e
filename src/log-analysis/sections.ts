/**
 * The report as titled tables of text cells: what the terminal table and the HTML page both show,
 * so the two never disagree. Numbers are right-aligned (`numeric` columns).
 */
import { bytes, count, instant, milliseconds, percent } from './format.ts';
import type { CountedTop, LogReport } from './report.ts';

export interface Section {
  readonly title: string;
  readonly headers: readonly string[];
  /** Which columns hold numbers (right-aligned). */
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
  /** Said under the table (capped counts, how a figure is counted). */
  readonly note?: string;
}

const share = (part: number, whole: number) => (whole === 0 ? '–' : percent(part / whole));

function topSection(title: string, header: string, top: CountedTop, whole: number, capNote: string): Section {
  const rows = top.top.map((item) => [item.name, count(item.requests), share(item.requests, whole)]);
  const folded = top.other > 0 ? `${count(top.other)} requests of rarer ${capNote} were folded once ${count(top.distinct)} distinct ones were counted; counts shown may be low by at most that.` : undefined;
  return { title, headers: [header, 'requests', 'share'], numeric: [false, true, true], rows, ...(folded === undefined ? {} : { note: folded }) };
}

export function overviewRows(report: LogReport): [string, string][] {
  const { totals, latency } = report;
  const rows: [string, string][] = [
    ['Period', `${instant(report.period.first)} → ${instant(report.period.last)}`],
    ['Lines read', count(totals.lines)],
    ['Valid requests', count(totals.requests)],
    ['Malformed lines (skipped)', count(totals.malformed)],
  ];
  if (report.window.since !== null || report.window.until !== null) {
    rows.push(['Window', `${instant(report.window.since)} → ${instant(report.window.until)}`]);
    rows.push(['Outside the window (skipped)', count(totals.outsideWindow)]);
  }
  rows.push(
    ['Unique visitors (per day, summed)', count(totals.uniqueVisitors)],
    ['Bandwidth', bytes(totals.bytes)],
    ['Crawler requests', `${count(totals.crawlerRequests)} (${share(totals.crawlerRequests, totals.requests)})`],
  );
  if (latency !== null) rows.push(['Response time', `p50 ${milliseconds(latency.p50)} · p95 ${milliseconds(latency.p95)} · p99 ${milliseconds(latency.p99)} · max ${milliseconds(latency.max)} (${count(latency.requests)} timed)`]);
  return rows;
}

/** Every table of the report after the overview (and after the hours chart in HTML). */
export function sectionsOf(report: LogReport): Section[] {
  const total = report.totals.requests;
  const human = total - report.totals.crawlerRequests;
  const sections: Section[] = [
    {
      title: 'Files read',
      headers: ['file', 'size', 'lines'],
      numeric: [false, true, true],
      rows: report.files.map((file) => [`${file.path}${file.gzip ? ' (gzip)' : ''}`, bytes(file.bytes), count(file.lines)]),
    },
    {
      title: 'Days',
      headers: ['day', 'requests', 'visitors', 'bandwidth'],
      numeric: [false, true, true, true],
      rows: report.days.map((day) => [day.day, count(day.requests), count(day.visitors), bytes(day.bytes)]),
      note: 'A visitor is one address + user agent on one day, as GoAccess counts (4xx answers not counted).',
    },
    {
      title: 'Requests per hour of the day',
      headers: ['hour', 'requests', 'share', 'bandwidth'],
      numeric: [false, true, true, true],
      rows: report.hours.map((hour) => [`${String(hour.hour).padStart(2, '0')}:00`, count(hour.requests), share(hour.requests, total), bytes(hour.bytes)]),
    },
    {
      title: 'Status classes',
      headers: ['class', 'requests', 'share'],
      numeric: [false, true, true],
      rows: Object.entries(report.statusClasses).map(([name, requests]) => [name, count(requests), share(requests, total)]),
    },
    {
      title: 'Status codes',
      headers: ['status', 'requests', 'share'],
      numeric: [false, true, true],
      rows: report.statusCodes.map((item) => [String(item.status), count(item.requests), share(item.requests, total)]),
    },
    topSection('Top paths (query strings folded)', 'path', report.paths, total, 'paths'),
    topSection('Top 404 paths', 'path', report.notFound, total, '404 paths'),
    {
      title: 'Browsers (crawlers apart)',
      headers: ['browser', 'requests', 'share'],
      numeric: [false, true, true],
      rows: report.browsers.map((item) => [item.name, count(item.requests), share(item.requests, human)]),
      note: `Shares of the ${count(human)} requests not made by crawlers.`,
    },
    {
      title: 'Operating systems (crawlers apart)',
      headers: ['system', 'requests', 'share'],
      numeric: [false, true, true],
      rows: report.operatingSystems.map((item) => [item.name, count(item.requests), share(item.requests, human)]),
    },
    topSection('Referring sites', 'host', report.referrers, total, 'hosts'),
  ];
  if (report.malformed.length > 0) {
    sections.push({
      title: `Malformed lines (first ${report.malformed.length} of ${count(report.totals.malformed)})`,
      headers: ['file:line', 'text'],
      numeric: [false, false],
      rows: report.malformed.map((line) => [`${line.file}:${line.line}`, line.text]),
    });
  }
  return sections;
}
