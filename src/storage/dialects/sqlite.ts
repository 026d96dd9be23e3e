/** SQLite through better-sqlite3: the zero-setup default. WAL mode and a busy timeout let several processes share one file. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type DialectAdapter, type Driver, type MigrationLockOptions, type SqliteDialectConfig, type Transaction } from 'kysely';
import { defaults } from '../../config/defaults.ts';
import type { BlogDatabase, Database } from '../database.ts';
import type { StorageDialect, StorageOptions } from './dialect.ts';
import { groupCommitInserts, groupCommitUnits } from './sqlite-group-commit.ts';

/**
 * Kysely prepares every statement anew; better-sqlite3's prepare is the costliest step of a small
 * read, so identical SQL reuses its statement.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDatabase.Database {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = database.prepare.bind(database);
  return Object.assign(database, {
    prepare(source: string) {
      let statement = statements.get(source);
      if (!statement) {
        statement = prepare(source);
        if (statements.size < 500) statements.set(source, statement);
      }
      return statement;
    },
  });
}

/**
 * Kysely's SQLite adapter takes no migration lock (it assumes one connection) and runs migrations
 * outside a transaction. Several processes starting on one file each have their own connection, so
 * the lock is `BEGIN IMMEDIATE`: it holds SQLite's write lock from before the migration state is read
 * until every migration has run; the next process waits (busy timeout), then finds them done.
 */
class ProcessSafeSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, _options: MigrationLockOptions): Promise<void> {
    await sql`begin immediate`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>, _options: MigrationLockOptions): Promise<void> {
    await sql`commit`.execute(db);
  }
}

/**
 * Every Kysely transaction here writes (the API's write units, the search queue), so it takes the
 * write lock at BEGIN: a deferred transaction that has read first cannot take it later if another
 * process committed meanwhile (SQLITE_BUSY at once, the busy timeout notwithstanding).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ProcessSafeSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createAdapter(): DialectAdapter {
    return new ProcessSafeSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Rows as objects made here from better-sqlite3's arrays (`raw`): a tenth cheaper than the objects it
 * makes itself (a list page of ten blogs: 47 against 53 µs). A name given twice keeps its last value, as there.
 */
function objectsOf(rows: readonly unknown[][], names: readonly string[]): Record<string, unknown>[] {
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < names.length; index++) row[names[index] as string] = values[index];
    return row;
  });
}

export function sqliteDialect(path: string, options: StorageOptions): StorageDialect {
  /** better-sqlite3's own prepare, past the statement cache: a statement no Kysely query shares. */
  let prepareOwn: ((source: string) => SqliteDatabase.Statement) | undefined;
  let insert: ((query: CompiledQuery) => Promise<number>) | undefined;
  let units: (<T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>) | undefined;
  return {
    name: 'sqlite',
    displayUrl: path,

    createDatabase(): Kysely<Database> {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const database = new SqliteDatabase(path, { timeout: options.sqliteBusyTimeoutMs });
      database.pragma('journal_mode = WAL');
      // FULL: a write the API acknowledged survives a power cut, not only a crash.
      database.pragma('synchronous = FULL');
      database.pragma(`cache_size = -${defaults.sqliteCacheKib}`);
      prepareOwn = database.prepare.bind(database);
      const opened = withStatementCache(database);
      insert = groupCommitInserts(opened);
      const db = new Kysely<Database>({ dialect: new ProcessSafeSqliteDialect({ database: opened }) });
      units = groupCommitUnits(db);
      return db;
    },

    writeUnit<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      if (!units) throw new Error('sqlite dialect: a write ran before createDatabase()');
      return units(work);
    },

    prepare<R>(query: CompiledQuery<R>) {
      // Prepared on first use: the tables may not exist until the migrations have run.
      let statement: SqliteDatabase.Statement | undefined;
      let names: string[] | undefined;
      return async (parameters: readonly unknown[]) => {
        if (!prepareOwn) throw new Error('sqlite dialect: a prepared query ran before createDatabase()');
        if (!statement) {
          // Not the cache's statement: in raw mode a shared one would hand Kysely arrays.
          statement = prepareOwn(query.sql);
          if (statement.reader) names = statement.raw(true).columns().map((column) => column.name);
        }
        if (names) return objectsOf(statement.all(...parameters) as unknown[][], names) as R[];
        // A write (the search index's bulk inserts) returns no rows.
        statement.run(...parameters);
        return [];
      };
    },


    async insertId(db: BlogDatabase, table, values) {
      const query = db.insertInto(table).values(values as never).compile();
      // Inside a caller's transaction the insert belongs to it: group commit would run it outside (and wait for it forever).
      if (insert && !db.isTransaction) return insert(query);
      const result = await db.executeQuery(query);
      return Number(result.insertId);
    },
  };
}
