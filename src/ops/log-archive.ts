/**
 * What happens to rotated log files of one process (one prefix, so PM2 instances never touch each
 * other's files): each plain `access.<day>.log` is gzipped — streaming, in the background, through
 * zlib's thread pool, so requests never wait — into a temporary name that becomes `….log.gz` only
 * once complete; the plain file is removed after that. Files of a day older than `keepDays` are
 * removed. A crash in the middle leaves the plain file and a temporary one: the next run redoes it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { localDayBefore, rotatedFilesOf } from './log-names.ts';

export interface ArchiveOptions {
  dir: string;
  /** `access` or `access.<instance>`. */
  prefix: string;
  /** Days of files kept besides today's; 0 keeps every file. */
  keepDays: number;
  now: number;
  signal?: AbortSignal;
}

const partialSuffix = '.partial';

/** Gzips the plain rotated files of `prefix` and removes the ones older than `keepDays`. */
export async function archiveLogs({ dir, prefix, keepDays, now, signal }: ArchiveOptions): Promise<void> {
  const rotated = rotatedFilesOf(prefix);
  const names = await readdir(dir);
  for (const name of names) {
    // A gzip cut short by a crash or a shutdown: the plain file is still there and is gzipped again.
    if (name.endsWith(partialSuffix) && rotated(name.slice(0, -partialSuffix.length)) !== undefined) await rm(join(dir, name), { force: true });
  }
  const files = names.map(rotated).filter((file) => file !== undefined);
  const oldestKept = keepDays === 0 ? '' : localDayBefore(now, keepDays);
  for (const file of files) {
    signal?.throwIfAborted();
    const path = join(dir, file.name);
    if (file.day < oldestKept) {
      await rm(path, { force: true });
    } else if (!file.gzipped) {
      const gzipped = `${path}.gz`;
      const partial = `${gzipped}${partialSuffix}`;
      try {
        await pipeline(createReadStream(path), createGzip(), createWriteStream(partial), { signal });
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      await rename(partial, gzipped);
      await rm(path);
    }
  }
}
