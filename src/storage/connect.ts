/** Turns `DATABASE_URL` into the dialect that serves it. */
import { resolve } from 'node:path';
import type { StorageDialect, StorageOptions } from './dialects/dialect.ts';
import { mysqlDialect } from './dialects/mysql.ts';
import { postgresDialect } from './dialects/postgres.ts';
import { sqliteDialect } from './dialects/sqlite.ts';
import { maskUrl } from '../connections/mask-url.ts';

/** A SQLite path from `./x.db`, `/abs/x.db`, `sqlite:x.db`, `sqlite:///abs/x.db` or `sqlite::memory:`. */
export function sqlitePathOf(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('sqlite:')) return undefined;
  if (!url.startsWith('sqlite:')) return resolve(url);
  const rest = url.slice('sqlite:'.length);
  if (rest === ':memory:' || rest === '//:memory:') return ':memory:';
  if (rest.startsWith('//')) return resolve(decodeURIComponent(rest.slice(2)));
  return resolve(decodeURIComponent(rest));
}

export type DialectFactory = (url: string, options: StorageOptions) => StorageDialect;

/** Dialects of the URL schemes other than SQLite. */
const networkDialects: Record<string, DialectFactory> = {
  mysql: mysqlDialect,
  mariadb: mysqlDialect,
  postgres: postgresDialect,
  postgresql: postgresDialect,
};

export function dialectFor(url: string, options: StorageOptions): StorageDialect {
  const sqlitePath = sqlitePathOf(url);
  if (sqlitePath !== undefined) return sqliteDialect(sqlitePath, options);
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  const factory = networkDialects[scheme];
  if (!factory) throw new Error(`DATABASE_URL: unsupported scheme "${scheme}:" in ${maskUrl(url)} (use a SQLite path, sqlite:, mysql:// or postgres://)`);
  return factory(url, options);
}
