/**
 * `copy`: the blog data of one database into another, any of SQLite, MariaDB/MySQL and PostgreSQL,
 * streamed in batches from one consistent snapshot of the source into one transaction on the target,
 * which is read back and compared (row counts and checksums) before it commits.
 */
import type { Storage } from '../../storage/storage.ts';
import { loadBlogData } from '../../storage/transfer/load.ts';
import { withSnapshot } from '../../storage/transfer/snapshot.ts';
import { fullShapes } from './backup.ts';
import { batchSize } from './batch.ts';
import { rebuildDerivedData } from './derived-data.ts';
import type { Progress } from './progress.ts';
import { TableDigest, type TableSummary } from './table-digest.ts';
import { verifyLoad } from './verify-load.ts';
import { knownSchemaVersions } from './version.ts';

export interface CopyResult {
  schemaVersion: string;
  tables: Record<string, TableSummary>;
}

export async function copyBetween(source: Storage, target: Storage, options: { replace: boolean; progress: Progress }): Promise<CopyResult> {
  const { progress } = options;
  if (source.dialect.displayUrl === target.dialect.displayUrl) throw new Error(`--from and --to name the same database (${source.dialect.displayUrl})`);
  try {
    await target.migrate();
    const latest = knownSchemaVersions().at(-1);
    const result = await withSnapshot(source, async (reader) => {
      if (reader.schemaVersion !== latest) {
        throw new Error(`the source's schema is ${reader.schemaVersion}, not this blog-server's ${latest ?? 'none'}: ${knownSchemaVersions().includes(reader.schemaVersion) ? 'run "blog-server migrate" on it first' : 'copy it with the newer blog-server that made it'}`);
      }
      const tables: Record<string, TableSummary> = {};
      await loadBlogData(target, { replace: options.replace }, async (loader) => {
        for (const shape of fullShapes) {
          progress.stage('copying', shape.name, await reader.count(shape.name));
          const digest = new TableDigest();
          for await (const rows of reader.rows(shape, batchSize)) {
            for (const row of rows) digest.add(row);
            await loader.insert(shape, rows);
            progress.advance(rows.length);
          }
          tables[shape.name] = digest.summary();
        }
        await verifyLoad(loader, fullShapes, tables, progress);
      });
      return { schemaVersion: reader.schemaVersion, tables };
    });
    await rebuildDerivedData(target, progress);
    return result;
  } finally {
    progress.done();
  }
}
