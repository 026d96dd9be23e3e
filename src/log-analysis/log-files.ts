/**
 * Which files a `logs analyze` argument means, in what order, and their lines, streamed: plain or
 * gzip (told by its magic bytes, not its name), through readline so a file of any size costs one
 * buffer. A folder means every access log in it, by the names blog-server's writer and logrotate give:
 * `access.log`, `access.<n>.log` (PM2 instance n), `access.YYYY-MM-DD.log`, `access.<n>.YYYY-MM-DD.log`,
 * `access.YYYY-MM-DD.1.log` (a second file that day), each maybe `.gz`, and `access.log.1`, `access.log.2.gz`.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** A path that is not there, not readable, or a folder without access logs. */
export class LogInputError extends Error {}

export interface LogFile {
  readonly path: string;
  readonly size: number;
}

const LOG_NAME = /^access(?:\.(\d+))?(?:\.(\d{4}-\d{2}-\d{2})(?:\.(\d+))?)?\.log(?:\.(\d+))?(?:\.gz)?$/;

interface NameOrder {
  /** The date in the name; files without one (active, logrotate-numbered) come after the dated ones. */
  readonly date: string;
  /** logrotate's number: higher is older; the active file is 0. */
  readonly rotation: number;
  readonly sequence: number;
  readonly instance: number;
}

/** How a file name sorts, or undefined when it is not an access log's name. */
export function nameOrder(name: string): NameOrder | undefined {
  const match = LOG_NAME.exec(name);
  if (match === null) return undefined;
  return {
    date: match[2] ?? '9999-99-99',
    rotation: match[4] === undefined ? 0 : Number(match[4]),
    sequence: match[3] === undefined ? 0 : Number(match[3]),
    instance: match[1] === undefined ? -1 : Number(match[1]),
  };
}

/** Sort order of two access-log names: by date, older logrotate numbers first, then sequence and instance. */
export function compareLogNames(a: string, b: string): number {
  const left = nameOrder(a) as NameOrder;
  const right = nameOrder(b) as NameOrder;
  if (left.date !== right.date) return left.date < right.date ? -1 : 1;
  return right.rotation - left.rotation || left.sequence - right.sequence || left.instance - right.instance || (a < b ? -1 : a > b ? 1 : 0);
}

/** The files `paths` name: a file as it is, a folder as its access logs in date order; duplicates once. */
export async function findLogFiles(paths: readonly string[]): Promise<LogFile[]> {
  const found: LogFile[] = [];
  const seen = new Set<string>();
  const keep = (file: LogFile) => {
    if (!seen.has(file.path)) found.push(file);
    seen.add(file.path);
  };
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new LogInputError(error.code === 'ENOENT' ? `${path}: no such file or folder` : `${path}: ${error.message}`);
    });
    if (info.isDirectory()) {
      const names = (await readdir(path, { withFileTypes: true })).filter((entry) => entry.isFile() && nameOrder(entry.name) !== undefined).map((entry) => entry.name);
      if (names.length === 0) throw new LogInputError(`${path}: no access logs in this folder (access.log, access.2026-12-01.log, access.log.1, … .gz)`);
      for (const name of names.sort(compareLogNames)) {
        const file = join(path, name);
        keep({ path: file, size: (await stat(file)).size });
      }
    } else if (info.isFile()) keep({ path, size: info.size });
    else throw new LogInputError(`${path}: not a file or folder`);
  }
  return found;
}

/** Whether the file starts with gzip's magic bytes. */
export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Calls `onLine` for every line of `path`, in order, with its 1-based number; `onBytes` with each
 * chunk's size on disk (for progress). Resolves with the number of lines once the file is read.
 */
export async function readLines(path: string, gzip: boolean, onLine: (line: string, number: number) => void, onBytes: (bytes: number) => void): Promise<number> {
  const raw = createReadStream(path);
  raw.on('data', (chunk) => onBytes(chunk.length));
  const text = gzip ? raw.pipe(createGunzip()) : raw;
  const failed = new Promise<never>((_, reject) => {
    raw.on('error', reject);
    text.on('error', (error: Error) => reject(new LogInputError(`${path}: ${error.message}`)));
  });
  const lines = createInterface({ input: text, crlfDelay: Infinity });
  let number = 0;
  lines.on('line', (line) => onLine(line, ++number));
  const closed = new Promise<void>((resolve) => lines.once('close', resolve));
  try {
    await Promise.race([closed, failed]);
  } finally {
    raw.destroy();
  }
  return number;
}
