/** Reads access-log files line by line into one LogReport: the whole of `logs analyze` but its output. */
import { Aggregator } from './aggregate.ts';
import { findLogFiles, isGzip, readLines } from './log-files.ts';
import { LogTimeReader } from './log-time.ts';
import { parseLine } from './parse-line.ts';
import type { FileRead, LogReport } from './report.ts';

export interface AnalyzeOptions {
  /** Files and folders (see log-files.ts). */
  readonly paths: readonly string[];
  /** Keep requests at or after this instant (ms). */
  readonly since?: number | undefined;
  /** Keep requests before this instant (ms). */
  readonly until?: number | undefined;
  /** Rows in each top list. @default 10 */
  readonly top?: number;
  /** Told as reading goes: bytes read on disk of `totalBytes`, lines so far. */
  readonly onProgress?: (progress: { bytes: number; totalBytes: number; lines: number; file: string }) => void;
}

export async function analyzeLogs(options: AnalyzeOptions): Promise<LogReport> {
  const files = await findLogFiles(options.paths);
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const aggregator = new Aggregator();
  const times = new LogTimeReader();
  const since = options.since ?? -Infinity;
  const until = options.until ?? Infinity;
  const read: FileRead[] = [];
  let bytes = 0;
  let lines = 0;

  for (const file of files) {
    const gzip = await isGzip(file.path);
    const count = await readLines(file.path, gzip, (text, number) => {
      if (text === '') return;
      lines++;
      const line = parseLine(text);
      const time = line === undefined ? undefined : times.read(line.time);
      if (line === undefined || time === undefined) aggregator.addMalformed(file.path, number, text);
      else if (time.instant < since || time.instant >= until) aggregator.addOutsideWindow();
      else aggregator.add(line, time);
    }, (chunk) => {
      bytes += chunk;
      options.onProgress?.({ bytes, totalBytes, lines, file: file.path });
    });
    read.push({ path: file.path, gzip, bytes: file.size, lines: count });
  }
  return aggregator.report(read, { since: options.since, until: options.until }, options.top ?? 10);
}
