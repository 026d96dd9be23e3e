/**
 * `restore`: a backup file into a database. The file is read through and checked completely first
 * (structure, every row, counts, checksums, schema version); only then is it loaded, in one
 * transaction that is verified by reading back before it commits. A damaged file changes nothing.
 *
 * Schema versions: a backup of an older schema loads into the current one (the target is migrated
 * first; the columns later migrations added take their defaults, as they did for the rows the
 * migration found); a newer one is refused.
 */
import type { Storage } from '../../storage/storage.ts';
import { loadBlogData } from '../../storage/transfer/load.ts';
import { BadBackupError, readBackup, type BackupHeader } from './backup-file.ts';
import { batchSize } from './batch.ts';
import { rebuildDerivedData } from './derived-data.ts';
import type { Progress } from './progress.ts';
import type { TableSummary } from './table-digest.ts';
import { verifyLoad } from './verify-load.ts';
import { knownSchemaVersions } from './version.ts';

/** A backup of a schema newer than this blog-server knows. */
export class NewerBackupError extends Error {}

/** Reads the whole file and checks it; throws BadBackupError or NewerBackupError. */
export async function checkBackup(path: string, progress: Progress): Promise<{ header: BackupHeader; tables: Record<string, TableSummary> }> {
  const known = knownSchemaVersions();
  const { header, trailer } = await readBackup(path, {
    batchSize,
    onHeader(header) {
      if (!known.includes(header.schemaVersion)) {
        throw new NewerBackupError(`the backup's schema ${header.schemaVersion} is newer than this blog-server knows (latest ${known.at(-1) ?? 'none'}): restore it with blog-server ${header.blogServerVersion} or newer`);
      }
      progress.stage('checking', 'the backup', header.tables.reduce((sum, table) => sum + table.rows, 0));
    },
    async onRows(_shape, rows) {
      progress.advance(rows.length);
    },
  });
  return { header, tables: trailer.tables };
}

export interface RestoreResult {
  header: BackupHeader;
  tables: Record<string, TableSummary>;
  migrated: string[];
}

/** Restores the backup at `path` into `storage`; `replace` deletes the users and blogs there first. */
export async function restoreFrom(path: string, storage: Storage, options: { replace: boolean; progress: Progress; checked?: Awaited<ReturnType<typeof checkBackup>> }): Promise<RestoreResult> {
  const { progress } = options;
  try {
    // The caller may have checked the file already (to ask before replacing anything).
    const checked = options.checked ?? (await checkBackup(path, progress));
    const migrated = await storage.migrate();
    await loadBlogData(storage, { replace: options.replace }, async (loader) => {
      let stage: string | undefined;
      const { header, trailer } = await readBackup(path, {
        batchSize,
        onHeader(header) {
          if (JSON.stringify(header) !== JSON.stringify(checked.header)) throw new BadBackupError('the backup changed while it was being restored; nothing was changed');
        },
        async onRows(shape, rows) {
          if (stage !== shape.name) progress.stage('restoring', shape.name, checked.header.tables.find((table) => table.name === shape.name)?.rows);
          stage = shape.name;
          await loader.insert(shape, rows);
          progress.advance(rows.length);
        },
      });
      await verifyLoad(loader, header.tables, trailer.tables, progress);
    });
    await rebuildDerivedData(storage, progress);
    return { ...checked, migrated };
  } finally {
    progress.done();
  }
}
