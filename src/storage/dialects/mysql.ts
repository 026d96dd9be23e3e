/**
 * MySQL 8 and MariaDB 10.11 through a mysql2 pool. Every table blog-server creates, and every course
 * table it migrates, is utf8mb4 with the binary collation `utf8mb4_bin`: Chinese text and emoji
 * round-trip, and usernames and authors compare exactly as on SQLite and PostgreSQL (`Alice` ≠
 * `alice`) instead of by the server's case- and accent-blind default. Keyword search folds case
 * itself with `lower()`. The migrations (`../migrations/`) state the character set in their own SQL;
 * MySQL DDL is not transactional, so each of their steps checks before it acts.
 */
import { createPool, type ExecuteValues, type Pool, type PoolConnection, type QueryError, type QueryResult } from 'mysql2';
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
import type { StorageDialect, StorageOptions } from './dialect.ts';
import { DatabaseUnavailableError, hasDeadline, networkSettings, storageError, type NetworkSettings } from './network.ts';

const charset = 'utf8mb4';
const collation = 'utf8mb4_bin';

/**
 * Appends the character set and collation to every CREATE TABLE built by Kysely's schema builder,
 * whatever the database's default is: Kysely's own migration tables. (The migrations write raw SQL
 * that names them, so that editing this file never changes what a shipped migration creates.)
 */
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
    this.#run('query', sqlText, parameters, callback);
  }

  /** As `query`, as a statement mysql2 prepares once per connection and runs with binary rows. */
  execute(sqlText: string, parameters: unknown[], callback: (error: unknown, result: MysqlQueryResult) => void): void {
    this.#run('execute', sqlText, parameters, callback);
  }

  #run(method: 'query' | 'execute', sqlText: string, parameters: unknown[], callback: (error: unknown, result: MysqlQueryResult) => void): void {
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
    const answered = (error: QueryError | null, result: QueryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) callback(storageError(displayUrl, error), []);
      // Kysely reads the same two shapes mysql2 gives: an OK packet or rows.
      else callback(null, result as MysqlQueryResult);
    };
    if (method === 'query') this.#raw.query(sqlText, parameters, answered);
    // MySQL 8 refuses a number for `LIMIT ?` in a prepared statement; as text every server takes it.
    else this.#raw.execute(sqlText, parameters.map((value) => (typeof value === 'number' ? String(value) : value)) as ExecuteValues[], answered);
  }

  release(): void {
    if (!this.#destroyed) this.#raw.release();
  }
}

/** The mysql2 pool as Kysely sees it, with a deadline on getting a connection. */
interface GuardedPool extends MysqlPool {
  getConnection(callback: (error: unknown, connection: GuardedConnection) => void): void;
}

function guardedPool(pool: Pool, settings: NetworkSettings): GuardedPool {
  const connections = new WeakMap<PoolConnection, GuardedConnection>();
  return {
    getConnection(callback) {
      let settled = false;
      // mysql2 queues requests for a free connection without a limit in time.
      const timer = setTimeout(() => {
        settled = true;
        callback(new DatabaseUnavailableError(settings.displayUrl, new Error(`no connection within ${settings.connectTimeoutMs} ms`)), undefined as unknown as GuardedConnection);
      }, settings.connectTimeoutMs);
      pool.getConnection((error, raw) => {
        if (settled) {
          if (!error) raw.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (error) {
          callback(storageError(settings.displayUrl, error), undefined as unknown as GuardedConnection);
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

export function mysqlDialect(url: string, options: StorageOptions): StorageDialect {
  const settings = networkSettings(url);
  const { url: parsed } = settings;
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (database === '' || database.includes('/')) throw new Error(`DATABASE_URL: name the database, as in mysql://user:password@host:3306/blog (got ${settings.displayUrl})`);
  const ssl = parsed.searchParams.get('ssl');
  parsed.searchParams.delete('ssl');
  const unknown = [...parsed.searchParams.keys()];
  if (unknown.length > 0) throw new Error(`DATABASE_URL: unknown parameter ${unknown.join(', ')} in ${settings.displayUrl} (known: connectTimeout, queryTimeout, ssl)`);

  let opened: GuardedPool | undefined;
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
      opened = guardedPool(pool, settings);
      return new Kysely<Database>({
        dialect: new MysqlDialect({
          pool: opened,
          // mysql2 escapes values with backslashes; under NO_BACKSLASH_ESCAPES that would let a quote through.
          onCreateConnection: async (connection) => {
            await connection.executeQuery(CompiledQuery.raw("set session sql_mode = trim(both ',' from replace(concat(',', @@session.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))"));
          },
        }),
        plugins: [utf8mb4Tables],
      });
    },

    /**
     * Runs on a pooled connection of its own, never inside a transaction: for the reads that need
     * none. mysql2's `execute` keeps the statement prepared on each connection; Kysely sends text.
     */
    prepare<R>(query: CompiledQuery<R>) {
      return (parameters: readonly unknown[]) => new Promise<R[]>((resolve, reject) => {
        if (!opened) throw new Error('mysql dialect: a prepared query ran before createDatabase()');
        opened.getConnection((connectError, connection) => {
          if (connectError) return reject(connectError);
          connection.execute(query.sql, [...parameters], (error, result) => {
            connection.release();
            if (error) reject(error);
            else resolve(result as R[]);
          });
        });
      });
    },

    async insertId(db: BlogDatabase, table, values) {
      // MariaDB has no RETURNING through Kysely's MySQL dialect: mysql2 reports the new id.
      const result = await db.insertInto(table).values(values as never).executeTakeFirstOrThrow();
      if (result.insertId === undefined) throw new Error(`insert into ${table} reported no id`);
      return Number(result.insertId);
    },
  };
}
