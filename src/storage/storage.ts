/** Storage: one database behind the repositories the core needs, its migrations, and its lifecycle. */
import { Migrator, type MigrationResultSet } from 'kysely';
import { BlogError } from '../core/errors.ts';
import type { BlogRepository, UserRepository } from '../core/ports.ts';
import { blogRepository } from './blog-repository.ts';
import { dialectFor } from './connect.ts';
import type { BlogDatabase } from './database.ts';
import type { StorageDialect, StorageOptions } from './dialects/dialect.ts';
import { migrationsFor } from './migrations/index.ts';
import { searchIndex, type SearchIndex } from './search-index.ts';
import { userRepository } from './user-repository.ts';

export interface Storage {
  readonly dialect: StorageDialect;
  readonly db: BlogDatabase;
  readonly blogs: BlogRepository;
  readonly users: UserRepository;
  /** The search index: `search.rebuild(progress)` after a restore or copy (docs/search.md). */
  readonly search: SearchIndex;
  /** Brings the schema up to date under Kysely's migration lock; resolves the names applied now. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export function openStorage(url: string, options: StorageOptions): Storage {
  const dialect = dialectFor(url, options);
  const db = dialect.createDatabase();
  const search = searchIndex(db, dialect);
  return {
    dialect,
    db,
    blogs: blogRepository(db, dialect, search),
    search: search.index,
    users: userRepository(db, dialect),

    async migrate() {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrationsFor(dialect.name) },
        migrationTableName: 'blog_server_migrations',
        migrationLockTableName: 'blog_server_migrations_lock',
      });
      const outcome: MigrationResultSet = await migrator.migrateToLatest();
      if (outcome.error) {
        // An unreachable database already names itself (`database <url> unreachable: <reason>`).
        if (outcome.error instanceof BlogError) throw new Error(`DATABASE_URL: ${String(outcome.error)}`);
        const failed = outcome.results?.find((result) => result.status === 'Error')?.migrationName;
        const what = failed === undefined ? 'migrating' : `migration ${failed}`;
        throw new Error(`${what} failed on ${dialect.displayUrl}: ${String(outcome.error)}`, { cause: outcome.error });
      }
      return (outcome.results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    },

    async close() {
      await search.index.stop();
      await db.destroy();
    },
  };
}
