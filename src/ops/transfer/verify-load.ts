/** The check that ends every load: the target, read back inside the load's transaction, holds exactly the rows sent. */
import type { TableShape } from '../../storage/transfer/blog-data.ts';
import type { BlogDataLoader } from '../../storage/transfer/load.ts';
import { batchSize } from './batch.ts';
import type { Progress } from './progress.ts';
import { TableDigest, summaryDifferences, type TableSummary } from './table-digest.ts';

/** Thrown when what a target holds after a load differs from what was sent: the load is rolled back. */
export class VerificationError extends Error {}

export async function verifyLoad(loader: BlogDataLoader, shapes: readonly TableShape[], expected: Readonly<Record<string, TableSummary>>, progress: Progress): Promise<void> {
  const actual: Record<string, TableSummary> = {};
  for (const shape of shapes) {
    progress.stage('verifying', shape.name, expected[shape.name]?.rows);
    const digest = new TableDigest();
    for await (const rows of loader.rows(shape, batchSize)) {
      for (const row of rows) digest.add(row);
      progress.advance(rows.length);
    }
    actual[shape.name] = digest.summary();
  }
  const differences = summaryDifferences(expected, actual);
  if (differences.length > 0) throw new VerificationError(`the target does not hold what was sent (${differences.join('; ')}); nothing was changed`);
}
