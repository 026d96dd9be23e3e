/**
 * Write transactions that the database broke off to resolve a lock conflict. InnoDB picks a victim
 * when two writers of the blogs and their search entries deadlock, and PostgreSQL does the same
 * (40P01); both roll the victim's whole transaction back and say "try restarting transaction". The
 * write is run again, a few times, rather than answered 500: nothing of the broken-off attempt stays.
 * A dialect that groups write units into shared commits (SQLite, whose one writer has nothing to
 * deadlock with: src/storage/dialects/sqlite-group-commit.ts) runs them itself (`StorageDialect.writeUnit`).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';

const attempts = 5;

/** MariaDB/MySQL ER_LOCK_DEADLOCK; PostgreSQL deadlock_detected and serialization_failure. */
function isConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errno, code } = error as { errno?: unknown; code?: unknown };
  return errno === 1213 || code === 'ER_LOCK_DEADLOCK' || code === '40P01' || code === '40001';
}

export async function writeTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isConflict(error) || attempt >= attempts) throw error;
      // A short random pause, so that the two writers do not meet again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
