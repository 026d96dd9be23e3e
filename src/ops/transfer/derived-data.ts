/** What is computed from the blog data rather than stored by it, rebuilt after a restore or a copy. */
import type { Storage } from '../../storage/storage.ts';
import type { Progress } from './progress.ts';

/**
 * Rebuilds derived data — the search index (docs/search.md) — from the users and blogs just loaded
 * into `storage`. Backups and copies carry no derived table, so every derived table gets rebuilt here,
 * in this one place. (The blog counts behind `X-Total-Count` are recomputed inside the load's own
 * transaction; see storage/transfer/load.ts.)
 */
export async function rebuildDerivedData(storage: Storage, progress: Progress): Promise<void> {
  let reported = 0;
  await storage.search.rebuild((done, total) => {
    if (reported === 0) progress.stage('indexing', 'blogs for search', total);
    progress.advance(done - reported);
    reported = done;
  });
}
