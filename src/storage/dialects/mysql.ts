/**
 * MySQL 8 and MariaDB 10.11 through a mysql2 pool. Every table blog-server creates, and every course
 * table it migrates, is utf8mb4 with the binary collation `utf8mb4_bin`: Chinese text and emoji
 * round-trip, and usernames and authors compare exactly as on SQLite and PostgreSQL (`Alice` ≠
 * `alice`) instead of by the server's case- and accent-blind default. Keyword search folds case
 * itself with `lower()`. MySQL DDL is not transactional, so each step checks before it acts.
 */
import { createPool, type Pool, type PoolConnection, type QueryError, type QueryResult } from 'mysql2';
import {
  CompiledQuery,
  CreateTableNode,
  Kysely,
  MysqlDialect,
  sql,
  type KyselyPlugin,
  type MysqlPool,
  type MysqlPoolConnection,
  type MysqlQueryResult,
  type MysqlStream,
  type MysqlStreamOptions,
  type QueryResult as KyselyQueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { BlogDatabase, Database } from '../database.ts';
import { escapeLike, type StorageDialect, type StorageOptions } from './dialect.ts';
import { DatabaseUnavailableError, hasDeadline, networkSettings, storageError, type NetworkSettings } from './network.ts';

const charset = 'utf8mb4';
const collation = 'utf8mb4_bin';

/** Appends the character set and collation to every CREATE TABLE, whatever the database's default is. */
const utf8mb4Tables: KyselyPlugin = {
  transformQuery({ node }): RootOperationNode {
    if (!CreateTableNode.is(node)) return node;
    return CreateTableNode.cloneWithEndModifier(node, sql.raw(`default character set ${charset} collate ${collation}`).toOperationNode());
  },
  async transformResult({ result }): Promise<KyselyQueryResult<UnknownRow>> {
    return result;
  },
};

/** A pooled connection whose data statements have a deadline, and whose connection errors are 503s. */
class GuardedConnection implements MysqlPoolConnection {
  readonly #raw: PoolConnection;
  readonly #settings: NetworkSettings;
  #destroyed = false;

  constructor(raw: PoolConnection, settings: NetworkSettings) {
    this.#raw = raw;
    this.#settings = settings;
  }

  query(sqlText: string, parameters: unknown[]): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> };
  query(sqlText: string, parameters: unknown[], callback: (error: unknown, result: MysqlQueryResult) => void): void;
  query(sqlText: string, parameters: unknown[], callback?: (error: unknown, result: MysqlQueryResult) => void): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> } | void {
    if (callback === undefined) throw new Error('blog-server does not stream query results');
    const { displayUrl, queryTimeoutMs } = this.#settings;
    let settled = false;
    // A hung server never answers and never closes: destroy the connection so the pool opens a new one.
    const timer = hasDeadline(sqlText)
      ? setTimeout(() => {
          settled = true;
          this.#destroyed = true;
          this.#raw.destroy();
          callback(new DatabaseUnavailableError(displayUrl, new Error(`no answer within ${queryTimeoutMs} ms`)), []);
        }, queryTimeoutMs)
      : undefined;
    this.#raw.query(sqlText, parameters, (error: QueryError | null, result: QueryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) callback(storageError(displayUrl, error), []);
      // Kysely reads the same two shapes mysql2 gives: an OK packet or rows.
      else callback(null, result as MysqlQueryResult);
    });
  }

  release(): void {
    if (!this.#destroyed) this.#raw.release();
  }
}

/** The mysql2 pool as Kysely sees it, with a deadline on getting a connection. */
function guardedPool(pool: Pool, settings: NetworkSettings): MysqlPool {
  const connections = new WeakMap<PoolConnection, GuardedConnection>();
  return {
    getConnection(callback) {
      let settled = false;
      // mysql2 queues requests for a free connection without a limit in time.
      const timer = setTimeout(() => {
        settled = true;
        callback(new DatabaseUnavailableError(settings.displayUrl, new Error(`no connection within ${settings.connectTimeoutMs} ms`)), undefined as unknown as MysqlPoolConnection);
      }, settings.connectTimeoutMs);
      pool.getConnection((error, raw) => {
        if (settled) {
          if (!error) raw.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (error) {
          callback(storageError(settings.displayUrl, error), undefined as unknown as MysqlPoolConnection);
          return;
        }
        // One wrapper per connection, so that Kysely recognises a connection it has seen before.
        let connection = connections.get(raw);
        if (!connection) {
          connection = new GuardedConnection(raw, settings);
          connections.set(raw, connection);
        }
        callback(null, connection);
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}

interface ColumnInfo {
  name: string;
  length: number | null;
  collation: string | null;
  nullable: string;
  defaultValue: string | null;
}

/** Course columns too short for blog-server, with the width they get. */
const minimumWidths: Record<'users' | 'blogs', Record<string, number>> = {
  users: { username: 64, password: 255, realname: 64 },
  blogs: { title: 1024, author: 64 },
};

/**
 * The DEFAULT clause of a column being redefined. MariaDB reports string defaults quoted (`'x'`)
 * and no default as NULL or 'NULL'; MySQL 8 reports them unquoted.
 */
function defaultClause(column: ColumnInfo) {
  const value = column.defaultValue;
  if (value === null || value === 'NULL') return sql``;
  if (value.startsWith("'")) return sql` default ${sql.raw(value)}`;
  return sql` default ${sql.lit(value)}`;
}

async function dropCountTriggers(db: BlogDatabase): Promise<void> {
  for (const name of ['blogs_count_insert', 'blogs_count_delete', 'blogs_count_author']) {
    await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
  }
}

export function mysqlDialect(url: string, options: StorageOptions): StorageDialect {
  const settings = networkSettings(url);
  const { url: parsed } = settings;
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (database === '' || database.includes('/')) throw new Error(`DATABASE_URL: name the database, as in mysql://user:password@host:3306/blog (got ${settings.displayUrl})`);
  const ssl = parsed.searchParams.get('ssl');
  parsed.searchParams.delete('ssl');
  const unknown = [...parsed.searchParams.keys()];
  if (unknown.length > 0) throw new Error(`DATABASE_URL: unknown parameter ${unknown.join(', ')} in ${settings.displayUrl} (known: connectTimeout, queryTimeout, ssl)`);

  return {
    name: 'mysql',
    displayUrl: settings.displayUrl,

    createDatabase(): Kysely<Database> {
      const pool = createPool({
        host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: parsed.port === '' ? 3306 : Number(parsed.port),
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
        database,
        charset: 'UTF8MB4_BIN',
        connectionLimit: options.poolSize,
        maxIdle: options.poolSize,
        connectTimeout: settings.connectTimeoutMs,
        enableKeepAlive: true,
        // BIGINT as JavaScript numbers: ids and millisecond times stay far below 2^53.
        supportBigNumbers: false,
        ...(ssl === 'true' ? { ssl: { rejectUnauthorized: true } } : {}),
      });
      return new Kysely<Database>({
        dialect: new MysqlDialect({
          pool: guardedPool(pool, settings),
          // mysql2 escapes values with backslashes; under NO_BACKSLASH_ESCAPES that would let a quote through.
          onCreateConnection: async (connection) => {
            await connection.executeQuery(CompiledQuery.raw("set session sql_mode = trim(both ',' from replace(concat(',', @@session.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))"));
          },
        }),
        plugins: [utf8mb4Tables],
      });
    },

    addIdColumn(table) {
      return table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
    },

    longTextType: sql`longtext`,

    titleContains(keyword) {
      // The binary collation compares exactly, so fold case on both sides; `\` is MySQL's default LIKE escape.
      return sql<boolean>`lower(title) like lower(${`%${escapeLike(keyword)}%`})`;
    },

    async insertId(db: BlogDatabase, table, values) {
      // MariaDB has no RETURNING through Kysely's MySQL dialect: mysql2 reports the new id.
      const result = await db.insertInto(table).values(values as never).executeTakeFirstOrThrow();
      if (result.insertId === undefined) throw new Error(`insert into ${table} reported no id`);
      return Number(result.insertId);
    },

    async indexExists(db, table, index) {
      const { rows } = await sql<{ found: number }>`select 1 as found from information_schema.statistics
        where table_schema = database() and table_name = ${table} and index_name = ${index} limit 1`.execute(db);
      return rows.length > 0;
    },

    async widenCourseColumns(db) {
      for (const table of ['users', 'blogs'] as const) {
        const tableCollation = await sql<{ collation: string | null }>`select table_collation as collation from information_schema.tables
          where table_schema = database() and table_name = ${table}`.execute(db);
        const readColumns = async () => (await sql<ColumnInfo>`select column_name as name, character_maximum_length as length,
            collation_name as collation, is_nullable as nullable, column_default as defaultValue
          from information_schema.columns where table_schema = database() and table_name = ${table}`.execute(db)).rows;
        // A course database is often utf8 (3 bytes: no emoji) or latin1, and compares case-blind.
        const columns = await readColumns();
        const converted = tableCollation.rows[0]?.collation === collation && columns.every((column) => column.collation === null || column.collation === collation);
        if (!converted) await sql`alter table ${sql.id(table)} convert to character set ${sql.raw(charset)} collate ${sql.raw(collation)}`.execute(db);

        const narrow = (await readColumns()).filter((column) => {
          const wanted = minimumWidths[table][column.name];
          return wanted !== undefined && column.length !== null && Number(column.length) < wanted;
        });
        if (narrow.length === 0) continue;
        const changes = narrow.map((column) => sql`modify column ${sql.id(column.name)} varchar(${sql.raw(String(minimumWidths[table][column.name]))})
          character set ${sql.raw(charset)} collate ${sql.raw(collation)} ${sql.raw(column.nullable === 'YES' ? 'null' : 'not null')}${defaultClause(column)}`);
        await sql`alter table ${sql.id(table)} ${sql.join(changes)}`.execute(db);
      }
    },

    async createCountTriggers(db) {
      // MySQL 8.0 before 8.0.29 has no CREATE TRIGGER IF NOT EXISTS: drop first, so a re-run succeeds.
      await dropCountTriggers(db);
      await sql`create trigger blogs_count_insert after insert on blogs for each row begin
        insert into blog_counts (author, n) values (new.author, 1) on duplicate key update n = n + 1;
        update blog_total set n = n + 1 where id = 1;
      end`.execute(db);
      await sql`create trigger blogs_count_delete after delete on blogs for each row begin
        update blog_counts set n = n - 1 where author = old.author;
        update blog_total set n = n - 1 where id = 1;
      end`.execute(db);
      await sql`create trigger blogs_count_author after update on blogs for each row begin
        if not (old.author <=> new.author) then
          update blog_counts set n = n - 1 where author = old.author;
          insert into blog_counts (author, n) values (new.author, 1) on duplicate key update n = n + 1;
        end if;
      end`.execute(db);
    },

    dropCountTriggers,
  };
}
