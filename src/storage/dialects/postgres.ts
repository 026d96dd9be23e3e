/**
 * PostgreSQL through a pg pool. int8 (ids, `createtime`, `count(*)`) comes back as a JavaScript number
 * by a type parser set on this pool only, so no other pg user in the process is affected. DDL is
 * transactional here: Kysely runs each migration in a transaction.
 */
import pg from 'pg';
import {
  type CompiledQuery,
  Kysely,
  PostgresDialect,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import type { BlogDatabase, Database } from '../database.ts';
import type { StorageDialect, StorageOptions } from './dialect.ts';
import { DatabaseUnavailableError, hasDeadline, networkSettings, storageError, type NetworkSettings } from './network.ts';

const int8 = 20;

/** The SQL of the queries `prepare` was given, and the statement name each runs under. */
type NamedStatements = Map<string, string>;

/** int8 as a number; every other type as pg parses it by default. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === int8 && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
};

/** A pooled client whose data statements have a deadline, and whose connection errors are 503s. */
class GuardedClient implements PostgresPoolClient {
  readonly #raw: pg.PoolClient;
  readonly #settings: NetworkSettings;
  readonly #named: NamedStatements;
  #broken = false;

  constructor(raw: pg.PoolClient, settings: NetworkSettings, named: NamedStatements) {
    this.#raw = raw;
    this.#settings = settings;
    this.#named = named;
    // pg emits a checked-out client's socket errors as events (and exits the process without a
    // listener) besides failing its query; the query's rejection is what reports it.
    raw.on('error', () => {
      this.#broken = true;
    });
  }

  query<R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(statement: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof statement !== 'string') throw new Error('blog-server does not stream query results');
    return new Promise((resolve, reject) => this.run<R>(statement, parameters ?? [], (error, result) => (error === undefined ? resolve(result!) : reject(error))));
  }

  /**
   * Runs one statement, with the deadline, and reports through `done` (503s for connection errors).
   * Callbacks, as pg-pool's own `query` uses them: with pg's promises V8 came to allocate parts of
   * each request in the old generation (see `prepare`).
   */
  run<R>(statement: string, parameters: ReadonlyArray<unknown>, done: (error: unknown, result?: PostgresQueryResult<R>) => void): void {
    const { displayUrl, queryTimeoutMs } = this.#settings;
    let settled = false;
    // A hung server never answers: this client is destroyed when it is released.
    const timer = hasDeadline(statement)
      ? setTimeout(() => {
          settled = true;
          this.#broken = true;
          done(new DatabaseUnavailableError(displayUrl, new Error(`no answer within ${queryTimeoutMs} ms`)));
        }, queryTimeoutMs)
      : undefined;
    const answered = (error: Error | null, result: pg.QueryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) done(storageError(displayUrl, error));
      else done(undefined, result as unknown as PostgresQueryResult<R>);
    };
    // A named statement is parsed and planned once per connection, then only bound and run.
    const name = this.#named.get(statement);
    if (name === undefined) this.#raw.query(statement, [...parameters], answered);
    else this.#raw.query({ name, text: statement, values: [...parameters] }, answered);
  }

  release(destroy?: boolean): void {
    this.#raw.release(destroy === true || this.#broken);
  }
}

/** The pg pool as Kysely sees it. pg's own `connectionTimeoutMillis` bounds waiting for a client. */
class GuardedPool implements PostgresPool {
  readonly #pool: pg.Pool;
  readonly #settings: NetworkSettings;
  readonly #named: NamedStatements;
  readonly #clients = new WeakMap<pg.PoolClient, GuardedClient>();

  constructor(pool: pg.Pool, settings: NetworkSettings, named: NamedStatements) {
    this.#pool = pool;
    this.#settings = settings;
    this.#named = named;
  }

  connect(): Promise<PostgresPoolClient> {
    return new Promise((resolve, reject) => this.#checkout((error, client) => (client ? resolve(client) : reject(error))));
  }

  /** One statement on a client of its own, outside any transaction: the dialect's `prepare`. */
  rows<R>(statement: string, parameters: readonly unknown[]): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.#checkout((error, client) => {
        if (!client) return reject(error);
        client.run<R>(statement, parameters, (failure, result) => {
          client.release();
          if (failure === undefined) resolve(result?.rows ?? []);
          else reject(failure);
        });
      });
    });
  }

  end(): Promise<void> {
    return this.#pool.end();
  }

  /** A pooled client (with callbacks, see `GuardedClient.run`), or a failure to get one (503 for connection errors). */
  #checkout(done: (error: unknown, client?: GuardedClient) => void): void {
    this.#pool.connect((error, raw) => {
      if (error || raw === undefined) return done(storageError(this.#settings.displayUrl, error));
      // One wrapper per client, so that Kysely recognises a connection it has seen before.
      let client = this.#clients.get(raw);
      if (!client) {
        client = new GuardedClient(raw, this.#settings, this.#named);
        this.#clients.set(raw, client);
      }
      done(undefined, client);
    });
  }
}

export function postgresDialect(url: string, options: StorageOptions): StorageDialect {
  const settings = networkSettings(url);
  if (settings.url.pathname.length <= 1) throw new Error(`DATABASE_URL: name the database, as in postgres://user:password@host:5432/blog (got ${settings.displayUrl})`);

  const named: NamedStatements = new Map();
  let opened: GuardedPool | undefined;
  return {
    name: 'postgres',
    displayUrl: settings.displayUrl,

    createDatabase(): Kysely<Database> {
      const pool = new pg.Pool({
        connectionString: settings.url.toString(),
        max: options.poolSize,
        connectionTimeoutMillis: settings.connectTimeoutMs,
        keepAlive: true,
        application_name: 'blog-server',
        types,
      });
      // An idle client whose connection dies is reported here; without a listener the process would exit.
      // pg has already removed it from the pool, and the next request reports the outage itself.
      pool.on('error', () => {});
      opened = new GuardedPool(pool, settings, named);
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool: opened }) });
    },

    /**
     * A named statement on a pooled client, past Kysely, as mysql.ts runs its prepared ones. Through
     * Kysely (pg-pool's promise `connect()`, pg's promise `query()`) V8 came to allocate parts of
     * each request in the old generation (1.8 MB promoted per scavenge against 14 KB, scavenges 4.5
     * ms against 1.8); a list page, native ÷ the bare server by CPU, went from 0.70 to 0.91 (docs/benchmark.md).
     */
    prepare<R>(query: CompiledQuery<R>) {
      if (!named.has(query.sql)) named.set(query.sql, `blog_server_${named.size + 1}`);
      return (parameters: readonly unknown[]) => {
        if (!opened) return Promise.reject(new Error('postgres dialect: a prepared query ran before createDatabase()'));
        return opened.rows<R>(query.sql, parameters);
      };
    },


    async insertId(db: BlogDatabase, table, values) {
      const row = await db.insertInto(table).values(values as never).returning('id').executeTakeFirstOrThrow();
      return Number(row.id);
    },
  };
}
