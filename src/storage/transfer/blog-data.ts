/**
 * The blog's own data, as backups, restores, copies and exports see it: the tables that hold what
 * cannot be recomputed, with every column migrations have given them, in one list. Derived tables
 * (`blog_counts`, `blog_total`, a search index) are left out and rebuilt after a load; sessions
 * are not blog data.
 */

/** How a column's values are checked and normalized: drivers hand back int8 as numbers, strings or bigints. */
export type ColumnKind = 'integer' | 'integer?' | 'text' | 'text?';

export interface BlogDataTable {
  readonly name: 'users' | 'blogs' | 'blog_revisions';
  /** Every column, `id` first: rows are read and written in id order. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /**
   * Columns a later migration added with a default: a backup of an older schema lacks them, and its
   * rows take the default, as the migration gave it to the rows it found.
   */
  readonly defaulted?: readonly string[];
}

/** The tables in load order, each with every column of the latest migration. */
export const blogDataTables: readonly BlogDataTable[] = [
  { name: 'users', columns: { id: 'integer', username: 'text', password: 'text', realname: 'text' } },
  {
    name: 'blogs',
    columns: { id: 'integer', title: 'text', content: 'text', createtime: 'integer', author: 'text', updatetime: 'integer?', status: 'text', format: 'text', source: 'text?' },
    defaulted: ['status', 'format'],
  },
  {
    name: 'blog_revisions',
    columns: { id: 'integer', blog_id: 'integer', author: 'text', title: 'text', content: 'text', source: 'text?', format: 'text', kind: 'text', createtime: 'integer' },
  },
];

/** Whether a backup may lack the column: it may be null, or a later migration gave it a default. */
export function mayBeAbsent(table: BlogDataTable, column: string): boolean {
  const kind = table.columns[column];
  return kind === 'integer?' || kind === 'text?' || (table.defaulted ?? []).includes(column);
}

export type CellValue = string | number | null;
export type DataRow = readonly CellValue[];

/** A table as one stream holds it: its name and the columns its rows carry, in order. */
export interface TableShape {
  readonly name: string;
  readonly columns: readonly string[];
}

export function tableNamed(name: string): BlogDataTable | undefined {
  return blogDataTables.find((table) => table.name === name);
}

/** A value as every database stores it, or a message saying why it cannot be one. */
export function normalizeCell(kind: ColumnKind, value: unknown): CellValue | Error {
  if (value === null || value === undefined) return kind === 'integer?' || kind === 'text?' ? null : new Error('is null');
  if (kind === 'text' || kind === 'text?') return typeof value === 'string' ? value : new Error(`is not text (${typeof value})`);
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) return new Error(`is not a whole number (${String(value)})`);
  return number;
}
