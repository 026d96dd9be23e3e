/** The report as plain-text tables for a terminal (stdout). */
import type { LogReport } from './report.ts';
import { overviewRows, sectionsOf, type Section } from './sections.ts';

/** Cells wider than this are cut with `…`, so a long path or user agent does not wrap every row. */
const MAX_CELL = 72;

const cut = (text: string) => (text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text);

function renderSection(section: Section): string {
  const cells = [section.headers, ...section.rows].map((row) => row.map(cut));
  const widths = section.headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => `  ${row.map((cell, column) => (section.numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()}`;
  const body = section.rows.length === 0 ? ['  (none)'] : cells.slice(1).map(line);
  return [section.title, line(cells[0] as string[]), `  ${widths.map((width) => '─'.repeat(width)).join('  ')}`, ...body, ...(section.note === undefined ? [] : [`  ${section.note}`])].join('\n');
}

export function renderTable(report: LogReport): string {
  const overview = overviewRows(report);
  const width = Math.max(...overview.map(([name]) => name.length));
  const head = ['Access logs', ...overview.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join('\n');
  return `${[head, ...sectionsOf(report).map(renderSection)].join('\n\n')}\n`;
}
