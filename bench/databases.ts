/**
 * Fresh databases for the datasets: SQLite files in the run's temp dir by default, or, when
 * DATABASE_URL names a MySQL/MariaDB or PostgreSQL server, `bench_<dataset>_<pid>` databases created
 * on that server and dropped at the end.
 */
import { join } from 'node:path';
import { maskUrl } from '../src/connections/mask-url.ts';
import { onCleanup } from './cleanup.ts';

export const datasetNames = ['1k', '100k'] as const;
export type DatasetName = (typeof datasetNames)[number];

export const datasetSizes: Record<DatasetName, number> = { '1k': 1_000, '100k': 100_000 };

export type BackendKind = 'sqlite' | 'mysql' | 'postgres';

export interface Backend {
  readonly kind: BackendKind;
  /** For the report, passwords masked. */
  readonly description: string;
  /** Creates an empty database for the dataset and resolves its URL (its drop is registered for cleanup). */
  create(dataset: DatasetName): Promise<string>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function sqliteBackend(dir: string): Backend {
  return {
    kind: 'sqlite',
    description: `SQLite files in ${dir} (removed at the end)`,
    create: async (dataset) => join(dir, `blog-${dataset}.db`),
  };
}

interface AdminConnection {
  query(statement: string): Promise<unknown>;
  end(): Promise<void>;
}

/** `bench_<dataset>_<pid>` databases on a network server, each statement on a short-lived admin connection. */
function networkBackend(
  kind: 'mysql' | 'postgres',
  description: string,
  url: string,
  connect: () => Promise<AdminConnection>,
  statements: { create(name: string): string; drop(name: string): string },
): Backend {
  const admin = async (statement: string) => {
    const connection = await connect();
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  return {
    kind,
    description,
    async create(dataset) {
      const name = `bench_${dataset}_${process.pid}`;
      await admin(statements.create(name));
      onCleanup(`database ${name}`, () => admin(statements.drop(name)));
      return withDatabase(url, name);
    },
  };
}

function mysqlBackend(url: string): Backend {
  const serverUrl = withDatabase(url.replace(/^mariadb:/i, 'mysql:'), '');
  const connect = async () => (await import('mysql2/promise')).createConnection(serverUrl);
  return networkBackend('mysql', `MySQL/MariaDB at ${maskUrl(serverUrl)}`, url, connect, {
    create: (name) => `create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`,
    drop: (name) => `drop database if exists \`${name}\``,
  });
}

function postgresBackend(url: string): Backend {
  const connect = async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };
  return networkBackend('postgres', `PostgreSQL at ${maskUrl(withDatabase(url, ''))}`, url, connect, {
    create: (name) => `create database "${name}" template template0 encoding 'UTF8'`,
    drop: (name) => `drop database if exists "${name}" with (force)`,
  });
}

/** The backend of a network DATABASE_URL, or SQLite files in `tmpDir`. */
export function backendFor(databaseUrl: string | undefined, tmpDir: string): Backend {
  if (databaseUrl === undefined) return sqliteBackend(tmpDir);
  if (/^(mysql|mariadb):/i.test(databaseUrl)) return mysqlBackend(databaseUrl);
  return postgresBackend(databaseUrl);
}
