/** Reading the blog data in id order, in batches, through any Kysely handle (a pool, a connection, a transaction). */
import { sql } from 'kysely';
import type { BlogDatabase } from '../database.ts';
import { normalizeCell, tableNamed, type CellValue, type DataRow, type TableShape } from './blog-data.ts';

/** Rows of `shape.columns`, `batchSize` at a time by keyset (`id > last`): memory stays bounded, no cursor needed. */
export async function* readRows(db: BlogDatabase, shape: TableShape, batchSize: number): AsyncGenerator<DataRow[]> {
  const table = tableNamed(shape.name);
  if (!table) throw new Error(`${shape.name} is not a table of blog data`);
  const kinds = shape.columns.map((column) => {
    const kind = table.columns[column];
    if (kind === undefined) throw new Error(`${shape.name} has no column ${column} in this version of blog-server`);
    return kind;
  });
  const columns = sql.join(shape.columns.map((column) => sql.id(column)));
  // No lower bound on the first batch: PostgreSQL's integer ids refuse a parameter below their range.
  let last: number | undefined;
  for (;;) {
    const after = last === undefined ? sql`` : sql`where ${sql.id('id')} > ${last}`;
    const { rows } = await sql<Record<string, unknown>>`select ${columns} from ${sql.id(shape.name)} ${after} order by ${sql.id('id')} limit ${batchSize}`.execute(db);
    if (rows.length === 0) return;
    const batch = rows.map((row) =>
      shape.columns.map((column, index): CellValue => {
        const value = normalizeCell(kinds[index] ?? 'text', row[column]);
        if (value instanceof Error) throw new Error(`${shape.name}.${column} of id ${String(row.id)} ${value.message}`);
        return value;
      }),
    );
    const lastId = batch.at(-1)?.[0];
    if (typeof lastId !== 'number') throw new Error(`${shape.name}: a row without an id`);
    last = lastId;
    yield batch;
    if (rows.length < batchSize) return;
  }
}

/** The number of rows of a table. */
export async function countRows(db: BlogDatabase, table: string): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`select count(*) as n from ${sql.id(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** The latest migration applied to a database, its schema version; a clear error when it has none. */
export async function schemaVersionOf(db: BlogDatabase, displayUrl: string): Promise<string> {
  let name: unknown;
  try {
    const { rows } = await sql<{ name: unknown }>`select name from blog_server_migrations order by name desc limit 1`.execute(db);
    name = rows[0]?.name;
  } catch (error) {
    throw new Error(`${displayUrl} holds no blog-server schema (run "blog-server migrate" on it first)`, { cause: error });
  }
  if (typeof name !== 'string') throw new Error(`${displayUrl} holds no blog-server schema (run "blog-server migrate" on it first)`);
  return name;
}
