/**
 * The report as one self-contained HTML page: inline CSS allowed by its hash in a Content-Security-
 * Policy meta tag that forbids everything else (no script, no network, no images), an inline SVG bar
 * chart of requests per hour, and the same tables as the terminal. Every logged text is escaped:
 * paths, referrers and user agents come from whoever sent the requests.
 */
import { createHash } from 'node:crypto';
import { count, instant } from './format.ts';
import type { LogReport } from './report.ts';
import { overviewRows, sectionsOf, type Section } from './sections.ts';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character] as string);

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5d6677; --line: #d8dce4; --bar: #3b6fd8; --bg: #fff; --head: #f3f5f9; }
@media (prefers-color-scheme: dark) { :root { --fg: #e4e7ee; --muted: #9aa3b5; --line: #394150; --bar: #6b9bff; --bg: #161a22; --head: #1f2530; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
p.sub { color: var(--muted); margin: 0 0 1.25rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(21rem, 1fr)); gap: 1.25rem; }
section { border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; overflow-x: auto; }
section.wide { grid-column: 1 / -1; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { overflow-wrap: anywhere; }
td.short { white-space: nowrap; }
table.overview th { width: 16rem; white-space: nowrap; }
.note { color: var(--muted); font-size: .85rem; margin: .5rem 0 0; }
svg { width: 100%; height: auto; display: block; }
svg .bar { fill: var(--bar); }
svg .axis { fill: var(--muted); font-size: 11px; }
svg .grid-line { stroke: var(--line); stroke-width: 1; }
`;

function table(section: Section, wide: boolean): string {
  const head = section.headers.map((header, column) => `<th${section.numeric[column] ? ' class="num"' : ''}>${escapeHtml(header)}</th>`).join('');
  const rows = section.rows.length === 0
    ? `<tr><td colspan="${section.headers.length}">(none)</td></tr>`
    : section.rows.map((row) => `<tr>${row.map((cell, column) => `<td class="${section.numeric[column] ? 'num' : cell.length <= 24 ? 'text short' : 'text'}">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  const note = section.note === undefined ? '' : `<p class="note">${escapeHtml(section.note)}</p>`;
  return `<section${wide ? ' class="wide"' : ''}><h2>${escapeHtml(section.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>${note}</section>`;
}

/** The requests-per-hour bar chart: 24 bars, a bar's <title> is its tooltip (no script needed). */
export function hoursChart(report: LogReport): string {
  const width = 960;
  const height = 260;
  const left = 56;
  const bottom = 24;
  const top = 12;
  const max = Math.max(1, ...report.hours.map((hour) => hour.requests));
  const slot = (width - left) / 24;
  const scale = (height - top - bottom) / max;
  const lines = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const y = height - bottom - fraction * max * scale;
    return `<line class="grid-line" x1="${left}" x2="${width}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text class="axis" x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${count(Math.round(fraction * max))}</text>`;
  });
  const bars = report.hours.map((hour) => {
    const barHeight = hour.requests * scale;
    const x = left + hour.hour * slot + slot * 0.15;
    const label = `${String(hour.hour).padStart(2, '0')}:00`;
    return `<rect class="bar" x="${x.toFixed(1)}" y="${(height - bottom - barHeight).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${label}: ${count(hour.requests)} requests</title></rect>`
      + `<text class="axis" x="${(x + slot * 0.35).toFixed(1)}" y="${height - 6}" text-anchor="middle">${String(hour.hour).padStart(2, '0')}</text>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Requests per hour of the day" xmlns="http://www.w3.org/2000/svg">${lines.join('')}${bars.join('')}</svg>`;
}

export function renderHtml(report: LogReport): string {
  const style = STYLE.trim();
  const styleHash = createHash('sha256').update(style).digest('base64');
  // A policy that allows the one inline style block and nothing else.
  const policy = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'`;
  const overview = overviewRows(report).map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n');
  const sections = sectionsOf(report);
  const wide = new Set(['Files read', 'Days', 'Top paths (query strings folded)', 'Requests per hour of the day']);
  const tables = sections.filter((section) => section.title !== 'Requests per hour of the day').map((section) => table(section, wide.has(section.title) || section.title.startsWith('Malformed')));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Access logs ${escapeHtml(instant(report.period.first))} → ${escapeHtml(instant(report.period.last))}</title>
<style>${style}</style>
</head>
<body>
<h1>Access logs</h1>
<p class="sub">${escapeHtml(`${count(report.totals.requests)} requests from ${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${instant(report.period.first)} → ${instant(report.period.last)}`)}</p>
<div class="grid">
<section class="wide"><h2>Overview</h2><table class="overview"><tbody>
${overview}
</tbody></table></section>
<section class="wide"><h2>Requests per hour of the day</h2>${hoursChart(report)}</section>
${tables.join('\n')}
</div>
</body>
</html>
`;
}
