/**
 * Group commit for SQLite writes. With `synchronous = FULL` every commit waits for the disk (one WAL
 * sync: 0.3–10 ms here), and better-sqlite3 waits on the event loop, so one insert a commit caps
 * creates at one sync each, whatever the number of clients. The inserts that arrive in one turn of
 * the event loop are written in one transaction instead — one sync makes all of them durable, as a
 * network database's group commit does —, and each caller is answered only after that commit, so
 * nothing acknowledged can be lost. Each insert runs in its own savepoint: one that fails (a
 * constraint) fails alone, with its own error. A transaction someone else opened on the connection
 * is never joined: the batch waits until it has ended.
 *
 * `groupCommitUnits` does the same for whole write units — a blog's insert and its search-index
 * entries, an update and its revision: work on a transaction — which `groupCommitInserts` cannot
 * reach, as they run in a transaction of their own. The units that arrive in one turn of the event
 * loop share one transaction, each in its own savepoint (a unit that throws is rolled back to its
 * savepoint alone, and rejects with its own error); the shared COMMIT's sync makes them durable
 * together, and only then is each answered. If the transaction itself fails (BEGIN waited past the
 * busy timeout, the COMMIT failed, a unit's error undid the whole transaction), nothing of it was
 * committed and every unit of it rejects.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery, Kysely, Transaction } from 'kysely';

interface PendingInsert {
  sql: string;
  parameters: readonly unknown[];
  resolve(id: number): void;
  reject(error: unknown): void;
}

type Outcome = { id: number } | { error: unknown };

/** Returns `insert(query)`: runs a compiled INSERT in the next group commit, resolving the new row's id. */
export function groupCommitInserts(database: SqliteDatabase.Database): (query: CompiledQuery) => Promise<number> {
  let queue: PendingInsert[] = [];
  // Nested in `all`'s transaction, better-sqlite3 runs `one` as a savepoint.
  const one = database.transaction((item: PendingInsert) => database.prepare(item.sql).run(...item.parameters).lastInsertRowid);
  const all = database.transaction((items: readonly PendingInsert[]): Outcome[] => items.map((item) => {
    try {
      return { id: Number(one(item)) };
    } catch (error) {
      return { error };
    }
  }));

  const flush = (): void => {
    if (database.inTransaction) {
      setImmediate(flush);
      return;
    }
    const items = queue;
    queue = [];
    let outcomes: Outcome[];
    try {
      // IMMEDIATE: takes the write lock at BEGIN (waiting out another process's writer for the busy timeout).
      outcomes = all.immediate(items);
    } catch (error) {
      // Nothing of the batch was committed: every caller gets the error.
      for (const item of items) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const item = items[index];
      if (item === undefined) return;
      if ('id' in outcome) item.resolve(outcome.id);
      else item.reject(outcome.error);
    });
  };

  return (query) => new Promise<number>((resolve, reject) => {
    if (queue.push({ sql: query.sql, parameters: query.parameters, resolve, reject }) === 1) setImmediate(flush);
  });
}

export type WriteUnit<DB, T> = (trx: Transaction<DB>) => Promise<T>;

interface PendingUnit<DB> {
  work: WriteUnit<DB, unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type UnitOutcome = { value: unknown } | { error: unknown };

/** Returns `run(work)`: runs a write unit in the next group commit, resolving what `work` resolved, once committed. */
export function groupCommitUnits<DB>(db: Kysely<DB>): <T>(work: WriteUnit<DB, T>) => Promise<T> {
  let queue: PendingUnit<DB>[] = [];
  let flushing = false;

  const commitGroup = async (units: readonly PendingUnit<DB>[]): Promise<UnitOutcome[]> => {
    // Kysely's connection lock: waits for any other transaction on the connection to end.
    const trx = await db.startTransaction().execute();
    const outcomes: UnitOutcome[] = [];
    try {
      for (const unit of units) {
        const inUnit = await trx.savepoint('unit').execute();
        try {
          outcomes.push({ value: await unit.work(inUnit) });
          await inUnit.releaseSavepoint('unit').execute();
        } catch (error) {
          outcomes.push({ error });
          await inUnit.rollbackToSavepoint('unit').execute();
          await inUnit.releaseSavepoint('unit').execute();
        }
      }
      await trx.commit().execute();
      return outcomes;
    } catch (error) {
      if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute().catch(() => {});
      throw error;
    }
  };

  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const units = queue;
      queue = [];
      try {
        const outcomes = await commitGroup(units);
        units.forEach((unit, index) => {
          const outcome = outcomes[index];
          if (outcome !== undefined && 'value' in outcome) unit.resolve(outcome.value);
          else unit.reject(outcome?.error ?? new Error('group commit: a unit has no outcome'));
        });
      } catch (error) {
        for (const unit of units) unit.reject(error);
      }
    }
    flushing = false;
  };

  return <T>(work: WriteUnit<DB, T>) => new Promise<T>((resolve, reject) => {
    const pending: PendingUnit<DB> = { work, resolve: (value) => resolve(value as T), reject };
    if (queue.push(pending) === 1 && !flushing) setImmediate(() => void flush());
  });
}
