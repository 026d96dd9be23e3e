/** `blog-server logs analyze [files or folders…]`: what GoAccess tells of access logs, as a table, JSON or an HTML page. */
import { writeFile } from 'node:fs/promises';
import { analyzeInWorker } from '../../log-analysis/analysis-worker.ts';
import { bytes, count } from '../../log-analysis/format.ts';
import { LogInputError } from '../../log-analysis/log-files.ts';
import { renderHtml } from '../../log-analysis/render-html.ts';
import { renderTable } from '../../log-analysis/render-table.ts';
import { parseWindowTime, TimeWindowError } from '../../log-analysis/time-window.ts';
import { commandHelp } from '../help-text.ts';
import { UsageError, type Command } from './command.ts';

const MAX_TOP = 1_000;

function topOption(value: string | boolean | readonly string[] | undefined): number {
  if (typeof value !== 'string') return 10;
  const top = Number(value);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new UsageError(`blog-server: --top: expected a whole number from 1 to ${MAX_TOP}, got "${value}"`);
  return top;
}

/** A progress line on stderr, redrawn at most every 200 ms, only on a terminal. */
function progressLine(): { update(progress: { bytes: number; totalBytes: number; lines: number }): void; done(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = 0;
  let drawn = false;
  return {
    update({ bytes: read, totalBytes, lines }) {
      const now = Date.now();
      if (now - shown < 200) return;
      shown = now;
      drawn = true;
      const share = totalBytes === 0 ? 100 : Math.floor((read / totalBytes) * 100);
      process.stderr.write(`\r\x1b[Kreading ${bytes(read)} of ${bytes(totalBytes)} (${share} %), ${count(lines)} lines`);
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

export const logsCommand: Command = {
  summary: { 'logs analyze [paths…]': 'report on access logs like GoAccess (table, --json, --html)' },
  usage: ['logs analyze [files or folders…] [options]'],
  settings: [],
  options: {
    json: { type: 'boolean', description: 'print the report as one JSON object (its fields: docs/log-analysis.md)' },
    html: { type: 'string', value: 'file', description: 'also write a self-contained HTML page with a requests-per-hour chart' },
    since: { type: 'string', value: 'time', description: 'only requests at or after this ISO date or date-time (UTC unless an offset is given)' },
    until: { type: 'string', value: 'time', description: 'only requests before this time; a date alone means the end of that day' },
    top: { type: 'string', value: 'n', description: `rows of each top list, 1 to ${MAX_TOP}, default 10` },
  },
  about: [
    'Reads Apache/nginx combined lines, with or without blog-server\'s trailing response time, from plain or',
    'gzipped files; a folder means every access log in it (access.log, access.<n>.log, access.YYYY-MM-DD.log,',
    'access.log.1, … .gz), read in date order. Without a path it reads LOG_DIR.',
  ].join('\n'),
  async run({ args: [subcommand, ...paths], options, config }) {
    if (subcommand !== 'analyze') throw new UsageError(commandHelp(logsCommand));
    const top = topOption(options.top);
    let since: number | undefined;
    let until: number | undefined;
    try {
      if (typeof options.since === 'string') since = parseWindowTime('since', options.since, false);
      if (typeof options.until === 'string') until = parseWindowTime('until', options.until, true);
    } catch (error) {
      if (error instanceof TimeWindowError) throw new UsageError(`blog-server: ${error.message}`);
      throw error;
    }
    if (since !== undefined && until !== undefined && since >= until) throw new UsageError('blog-server: --since must be before --until');
    const progress = progressLine();
    let report;
    try {
      report = await analyzeInWorker({ paths: paths.length > 0 ? paths : [config().logDir], since, until, top, onProgress: progress.update });
    } catch (error) {
      if (error instanceof LogInputError) throw new UsageError(`blog-server: ${error.message}`);
      throw error;
    } finally {
      progress.done();
    }
    if (typeof options.html === 'string') {
      await writeFile(options.html, renderHtml(report));
      console.error(`blog-server: wrote ${options.html}`);
    }
    process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report));
  },
};
