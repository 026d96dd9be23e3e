/** What is computed from the blog data rather than stored by it, rebuilt after a restore or a copy. */
import type { Storage } from '../../storage/storage.ts';
import type { Progress } from './progress.ts';

/**
 * Rebuilds derived data such as the search index from the users and blogs just loaded into
 * `storage`. Backups and copies carry no derived table, so every derived table gets rebuilt here,
 * in this one place. (The blog counts behind `X-Total-Count` are recomputed inside the load's own
 * transaction; see storage/transfer/load.ts.)
 */
export async function rebuildDerivedData(_storage: Storage, _progress: Progress): Promise<void> {
  // Nothing else is derived yet: a search index (migration 004) is rebuilt here, reporting through `_progress`.
}
