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
    return this.#query<R>(statement, parameters ?? []);
  }

  async #query<R>(statement: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    const { displayUrl, queryTimeoutMs } = this.#settings;
    // A named statement is parsed and planned once per connection, then only bound and run.
    const name = this.#named.get(statement);
    const running = (name === undefined
      ? this.#raw.query(statement, [...parameters])
      : this.#raw.query({ name, text: statement, values: [...parameters] })) as unknown as Promise<PostgresQueryResult<R>>;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (!hasDeadline(statement)) return;
      timer = setTimeout(() => {
        // A hung server never answers: this client is destroyed when Kysely releases it.
        this.#broken = true;
        running.catch(() => {});
        reject(new DatabaseUnavailableError(displayUrl, new Error(`no answer within ${queryTimeoutMs} ms`)));
      }, queryTimeoutMs);
    });
    try {
      return await Promise.race([running, deadline]);
    } catch (error) {
      throw storageError(displayUrl, error);
    } finally {
      clearTimeout(timer);
    }
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

  async connect(): Promise<PostgresPoolClient> {
    let raw: pg.PoolClient;
    try {
      raw = await this.#pool.connect();
    } catch (error) {
      throw storageError(this.#settings.displayUrl, error);
    }
    // One wrapper per client, so that Kysely recognises a connection it has seen before.
    let client = this.#clients.get(raw);
    if (!client) {
      client = new GuardedClient(raw, this.#settings, this.#named);
      this.#clients.set(raw, client);
    }
    return client;
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}

export function postgresDialect(url: string, options: StorageOptions): StorageDialect {
  const settings = networkSettings(url);
  if (settings.url.pathname.length <= 1) throw new Error(`DATABASE_URL: name the database, as in postgres://user:password@host:5432/blog (got ${settings.displayUrl})`);

  const named: NamedStatements = new Map();
  let opened: Kysely<Database> | undefined;
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
      opened = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new GuardedPool(pool, settings, named) }) });
      return opened;
    },

    prepare<R>(query: CompiledQuery<R>) {
      if (!named.has(query.sql)) named.set(query.sql, `blog_server_${named.size + 1}`);
      return async (parameters: readonly unknown[]) => {
        if (!opened) throw new Error('postgres dialect: a prepared query ran before createDatabase()');
        return (await opened.executeQuery<R>({ ...query, parameters })).rows;
      };
    },


    async insertId(db: BlogDatabase, table, values) {
      const row = await db.insertInto(table).values(values as never).returning('id').executeTakeFirstOrThrow();
      return Number(row.id);
    },
  };
}
