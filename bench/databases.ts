/**
 * Fresh databases for the datasets: SQLite files in the run's temp dir by default, or, when
 * DATABASE_URL names a MySQL/MariaDB or PostgreSQL server, `bench_<dataset>_<pid>` databases created
 * on that server and dropped at the end.
 */
import { join } from 'node:path';
import { maskUrl } from '../src/storage/mask-url.ts';
import { onCleanup } from './cleanup.ts';

export type DatasetName = '1k' | '100k';

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

function mysqlBackend(url: string): Backend {
  const serverUrl = withDatabase(url.replace(/^mariadb:/i, 'mysql:'), '');
  const admin = async (statement: string) => {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection(serverUrl);
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  return {
    kind: 'mysql',
    description: `MySQL/MariaDB at ${maskUrl(serverUrl)}`,
    async create(dataset) {
      const name = `bench_${dataset}_${process.pid}`;
      await admin(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
      onCleanup(`database ${name}`, () => admin(`drop database if exists \`${name}\``));
      return withDatabase(url, name);
    },
  };
}

function postgresBackend(url: string): Backend {
  const admin = async (statement: string) => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    description: `PostgreSQL at ${maskUrl(withDatabase(url, ''))}`,
    async create(dataset) {
      const name = `bench_${dataset}_${process.pid}`;
      await admin(`create database "${name}" template template0 encoding 'UTF8'`);
      onCleanup(`database ${name}`, () => admin(`drop database if exists "${name}" with (force)`));
      return withDatabase(url, name);
    },
  };
}

/** The backend of a network DATABASE_URL, or SQLite files in `tmpDir`. */
export function backendFor(databaseUrl: string | undefined, tmpDir: string): Backend {
  if (databaseUrl === undefined) return sqliteBackend(tmpDir);
  if (/^(mysql|mariadb):/i.test(databaseUrl)) return mysqlBackend(databaseUrl);
  return postgresBackend(databaseUrl);
}
