/**
 * Group commit for SQLite inserts. With `synchronous = FULL` every commit waits for the disk (one WAL
 * sync: 0.3–10 ms here), and better-sqlite3 waits on the event loop, so one insert a commit caps
 * creates at one sync each, whatever the number of clients. The inserts that arrive in one turn of
 * the event loop are written in one transaction instead — one sync makes all of them durable, as a
 * network database's group commit does —, and each caller is answered only after that commit, so
 * nothing acknowledged can be lost. Each insert runs in its own savepoint: one that fails (a
 * constraint) fails alone, with its own error. A transaction someone else opened on the connection
 * is never joined: the batch waits until it has ended.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';

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
