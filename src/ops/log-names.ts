/**
 * The names of log files, one scheme for the writer, the rotation, deploy/split-logs.sh and
 * `logs analyze`: the active file `access.log` (`access.<instance>.log` under PM2 cluster mode, one per
 * process), rotated files `access.2026-12-01.log`, a further rotation on the same day (by size)
 * `access.2026-12-01.1.log`, `.2`…, each later gzipped to `….log.gz`. Dates are local days.
 */

/** The file one process writes: `access.log`, or `access.3.log` for PM2 instance 3. */
export function activeLogName(base: string, instance: string | undefined): string {
  return `${prefixOf(base, instance)}.log`;
}

/** `access` or `access.3`: what every file of one process's log starts with. */
export function prefixOf(base: string, instance: string | undefined): string {
  return instance === undefined ? base : `${base}.${instance}`;
}

/** The name of a rotated file: `access.2026-12-01.log`, or `access.2026-12-01.2.log` for the third of that day. */
export function rotatedLogName(prefix: string, day: string, sequence: number): string {
  return sequence === 0 ? `${prefix}.${day}.log` : `${prefix}.${day}.${sequence}.log`;
}

export interface RotatedFile {
  name: string;
  /** `YYYY-MM-DD`, the local day the lines were written. */
  day: string;
  /** 0 for the day's first file, then 1, 2… (rotations by size). */
  sequence: number;
  gzipped: boolean;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A matcher of the rotated files of `prefix` (and only of it: `access` does not match `access.3.…`). */
export function rotatedFilesOf(prefix: string): (name: string) => RotatedFile | undefined {
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?\\.log(\\.gz)?$`);
  return (name) => {
    const match = pattern.exec(name);
    if (!match?.[1]) return undefined;
    return { name, day: match[1], sequence: match[2] === undefined ? 0 : Number(match[2]), gzipped: match[3] !== undefined };
  };
}

const twoDigits = (value: number) => (value < 10 ? `0${value}` : String(value));

/** The local day of `time` as `YYYY-MM-DD`. */
export function localDay(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
}

/** The local day `days` days before the day of `time`. */
export function localDayBefore(time: number, days: number): string {
  const date = new Date(time);
  return localDay(new Date(date.getFullYear(), date.getMonth(), date.getDate() - days).getTime());
}

/** The first instant of the local day after the one of `time` (local midnight; DST-safe, by the calendar). */
export function nextLocalMidnight(time: number): number {
  const date = new Date(time);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}
