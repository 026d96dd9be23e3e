/** What the backup, restore, copy and export commands share: opening a database, refusing a non-empty target, phrasing counts. */
import { existsSync } from 'node:fs';
import { defaults } from '../config/defaults.ts';
import type { Storage } from '../storage/storage.ts';
import { confirmOverwrite } from './confirm.ts';
import { UsageError } from './commands/command.ts';

/** Opens a database for a one-off transfer: two connections (a snapshot and its counts), nothing until the first query. */
export async function openForTransfer(url: string): Promise<Storage> {
  const { openStorage } = await import('../storage/storage.ts'); // when it runs: see serve.ts
  return openStorage(url, { poolSize: 2, sqliteBusyTimeoutMs: defaults.sqliteBusyTimeoutMs });
}

/** Refuses a SQLite source that does not exist, which opening would create empty (a mistyped path). */
export async function requireExistingSource(url: string, what: string): Promise<void> {
  const { sqlitePathOf } = await import('../storage/connect.ts');
  const path = sqlitePathOf(url);
  if (path !== undefined && path !== ':memory:' && !existsSync(path)) throw new UsageError(`blog-server: ${what} ${path} does not exist`);
}

/** Runs `task` on the databases opened, closing them all whatever happens. */
export async function withStorages<T>(urls: readonly string[], task: (storages: Storage[]) => Promise<T>): Promise<T> {
  const storages: Storage[] = [];
  try {
    for (const url of urls) storages.push(await openForTransfer(url));
    return await task(storages);
  } finally {
    for (const storage of storages) await storage.close().catch(() => {});
  }
}

/** Allows loading into `target` (migrated): at once when it is empty; with --force and a confirmation otherwise. Resolves whether it replaces data. */
export async function allowTarget(target: Storage, options: { force: boolean; yes: boolean }): Promise<boolean> {
  const { holdsBlogData } = await import('../storage/transfer/load.ts');
  const held = await holdsBlogData(target.db);
  if (held.users + held.blogs === 0) return false;
  const what = `${target.dialect.displayUrl}, which holds ${rows(held.users, 'user')} and ${rows(held.blogs, 'blog')}`;
  if (!options.force) throw new UsageError(`blog-server: ${what}; pass --force to replace them (they are deleted), or name an empty database`);
  await confirmOverwrite(`${what} (they are deleted)`, options.yes);
  return true;
}

export const rows = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** "3 users and 120 blogs" from the summaries of a transfer. */
export function describeTables(tables: Readonly<Record<string, { rows: number }>>): string {
  return `${rows(tables.users?.rows ?? 0, 'user')} and ${rows(tables.blogs?.rows ?? 0, 'blog')}`;
}

export const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;
