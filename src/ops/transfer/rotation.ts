/** Backups in a folder (`backup --dir DIR --keep N`): their names, which sort by time, and rotation. */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const pattern = /^blog-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.jsonl\.gz$/;

/** A new backup's path in `dir`: `blog-backup-2026-12-01T03-00-00.000Z.jsonl.gz`, UTC, never one that exists. */
export function newBackupPath(dir: string, now = Date.now()): string {
  for (let time = now; ; time += 1) {
    const path = join(dir, `blog-backup-${new Date(time).toISOString().replaceAll(':', '-')}.jsonl.gz`);
    if (!existsSync(path)) return path;
  }
}

/** The complete backups in `dir`, oldest first (a `.partial` file of a killed backup is none). */
export async function backupsIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => pattern.test(name)).sort();
}

/** Deletes the oldest backups in `dir` until `keep` are left; resolves the names deleted. */
export async function keepNewest(dir: string, keep: number): Promise<string[]> {
  const backups = await backupsIn(dir);
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}
