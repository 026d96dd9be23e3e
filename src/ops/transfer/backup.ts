/**
 * `backup`: one consistent snapshot of the blog data into one backup file (backup-file.ts), written
 * under a temporary name beside its final one, flushed to disk, then renamed: a killed backup leaves
 * at most a `.…partial-…` file, never one that looks complete.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { blogDataTables, type TableShape } from '../../storage/transfer/blog-data.ts';
import { withSnapshot } from '../../storage/transfer/snapshot.ts';
import type { Storage } from '../../storage/storage.ts';
import { backupFormat, backupFormatVersion, BackupWriter, type BackupHeader } from './backup-file.ts';
import { batchSize } from './batch.ts';
import type { Progress } from './progress.ts';
import type { TableSummary } from './table-digest.ts';
import { blogServerVersion } from './version.ts';

export interface BackupResult {
  header: BackupHeader;
  tables: Record<string, TableSummary>;
  bytes: number;
}

/** The shape every table is read in: all its columns. */
export const fullShapes: readonly TableShape[] = blogDataTables.map((table) => ({ name: table.name, columns: Object.keys(table.columns) }));

/** Writes a backup of `storage` to `path`, replacing a file there only once the new one is complete. */
export async function backupTo(storage: Storage, path: string, progress: Progress): Promise<BackupResult> {
  const partial = join(dirname(path), `.${basename(path)}.partial-${process.pid}-${randomBytes(3).toString('hex')}`);
  const removePartial = () => rmSync(partial, { force: true });
  // Ctrl-C or a stop signal: leave nothing behind (SIGKILL leaves the .partial file, which is never taken for a backup).
  const onSignal = (signal: NodeJS.Signals) => {
    removePartial();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let writer: BackupWriter | undefined;
  try {
    const result = await withSnapshot(storage, async (reader) => {
      const tables = [];
      for (const shape of fullShapes) tables.push({ ...shape, rows: await reader.count(shape.name) });
      const header: BackupHeader = {
        format: backupFormat,
        formatVersion: backupFormatVersion,
        blogServerVersion: blogServerVersion(),
        schemaVersion: reader.schemaVersion,
        createdAt: new Date().toISOString(),
        source: reader.dialect,
        tables,
      };
      writer = new BackupWriter(partial);
      await writer.header(header);
      for (const table of tables) {
        progress.stage('backing up', table.name, table.rows);
        await writer.table(table.name);
        for await (const rows of reader.rows(table, batchSize)) {
          await writer.rows(rows);
          progress.advance(rows.length);
        }
      }
      return { header, tables: await writer.close() };
    });
    await rename(partial, path);
    return { ...result, bytes: statSync(path).size };
  } catch (error) {
    await writer?.abort();
    removePartial();
    throw error;
  } finally {
    progress.done();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
