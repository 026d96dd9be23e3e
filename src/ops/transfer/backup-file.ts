/**
 * The backup file: gzip'd JSON lines, the same for SQLite, MariaDB and PostgreSQL.
 *
 *   line 1   the header: {"format":"blog-server-backup","formatVersion":1,"blogServerVersion",
 *            "schemaVersion" (latest migration applied),"createdAt","source" (dialect),
 *            "tables":[{"name","columns":[…],"rows"}]}
 *   then     per table, in the header's order: {"table":"users"}, then one JSON array per row, in id
 *            order, values in the order of "columns"
 *   last     the trailer: {"end":true,"tables":{"users":{"rows","sha256"},…}}
 *
 * The checksum of a table is SHA-256 over its row lines, each with its newline (table-digest.ts).
 * A file without its trailer, or whose rows do not match it, is not a backup: gzip's own CRC and
 * length catch a damaged or cut file, the trailer a file cut at a gzip member boundary.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { mayBeAbsent, normalizeCell, tableNamed, type CellValue, type DataRow, type TableShape } from '../../storage/transfer/blog-data.ts';
import { TableDigest, summaryDifferences, type TableSummary } from './table-digest.ts';

export const backupFormat = 'blog-server-backup';
export const backupFormatVersion = 1;

export interface BackupHeader {
  format: typeof backupFormat;
  formatVersion: number;
  blogServerVersion: string;
  schemaVersion: string;
  createdAt: string;
  source: string;
  tables: (TableShape & { rows: number })[];
}

export interface BackupTrailer {
  end: true;
  tables: Record<string, TableSummary>;
}

/** A file that is not a complete, intact backup: restore refuses it and changes nothing. */
export class BadBackupError extends Error {}

/** Writes a backup to `path` (which must not exist yet), flushed to disk when `close` resolves. */
export class BackupWriter {
  readonly #path: string;
  readonly #gzip = createGzip({ level: 6 });
  readonly #done: Promise<void>;
  #digest: TableDigest | undefined;
  #table: string | undefined;
  readonly #summaries: Record<string, TableSummary> = {};

  constructor(path: string) {
    this.#path = path;
    // wx: never overwrite, so two backups can never write one file.
    this.#done = pipeline(this.#gzip, createWriteStream(path, { flags: 'wx' }));
    this.#done.catch(() => {});
  }

  async #write(line: string): Promise<void> {
    if (!this.#gzip.write(`${line}\n`)) await Promise.race([once(this.#gzip, 'drain'), this.#done]);
  }

  header(header: BackupHeader): Promise<void> {
    return this.#write(JSON.stringify(header));
  }

  async table(name: string): Promise<void> {
    this.#endTable();
    this.#table = name;
    this.#digest = new TableDigest();
    await this.#write(JSON.stringify({ table: name }));
  }

  async rows(rows: readonly DataRow[]): Promise<void> {
    const digest = this.#digest;
    if (!digest) throw new Error('BackupWriter: rows before a table');
    // One write per batch keeps the gzip stream's per-call cost low.
    await this.#write(rows.map((row) => digest.add(row)).join('\n'));
  }

  #endTable(): void {
    if (this.#table !== undefined && this.#digest) this.#summaries[this.#table] = this.#digest.summary();
  }

  /** Writes the trailer, flushes the file to disk and resolves the tables' summaries. */
  async close(): Promise<Record<string, TableSummary>> {
    this.#endTable();
    await this.#write(JSON.stringify({ end: true, tables: this.#summaries } satisfies BackupTrailer));
    this.#gzip.end();
    await this.#done;
    const handle = await open(this.#path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return this.#summaries;
  }

  /** Stops writing after a failure; the caller removes the file. */
  async abort(): Promise<void> {
    this.#gzip.destroy();
    await this.#done.catch(() => {});
  }
}

/** A line longer than this is not one this program wrote (a post's content is limited far below it). */
const maxLineBytes = 256 * 1024 * 1024;

/** The lines of a gzip'd file, decompressed as they are read: memory holds one chunk and one line. */
async function* linesOf(path: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const source = createReadStream(path);
  const piping = pipeline(source, gunzip);
  piping.catch(() => {});
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let start = 0;
      for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
        pending.push(chunk.subarray(start, newline));
        yield Buffer.concat(pending).toString('utf8');
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) throw new BadBackupError(`a line longer than ${maxLineBytes} bytes: not a blog-server backup`);
      }
    }
    await piping;
  } catch (error) {
    if (error instanceof BadBackupError) throw error;
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw error;
    // zlib: Z_BUF_ERROR (cut short), Z_DATA_ERROR (damaged), incorrect header check (not gzip).
    throw new BadBackupError(`not an intact gzip file (${error instanceof Error ? error.message : String(error)}): damaged or cut short`);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}

function parseLine(line: string, number: number): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new BadBackupError(`line ${number} is not JSON: damaged`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkHeader(value: unknown): BackupHeader {
  if (!isObject(value) || value.format !== backupFormat) throw new BadBackupError('not a blog-server backup (its first line is no backup header)');
  if (value.formatVersion !== backupFormatVersion) throw new BadBackupError(`backup format ${String(value.formatVersion)} is not one this blog-server reads (it reads ${backupFormatVersion}): restore it with the blog-server ${String(value.blogServerVersion)} that made it or newer`);
  const { schemaVersion, blogServerVersion, createdAt, source, tables } = value;
  if (typeof schemaVersion !== 'string' || typeof blogServerVersion !== 'string' || typeof createdAt !== 'string' || typeof source !== 'string' || !Array.isArray(tables)) {
    throw new BadBackupError('the backup header lacks schemaVersion, blogServerVersion, createdAt, source or tables: damaged');
  }
  const shapes = tables.map((table: unknown) => {
    if (!isObject(table) || typeof table.name !== 'string' || !Array.isArray(table.columns) || !table.columns.every((column) => typeof column === 'string') || typeof table.rows !== 'number') {
      throw new BadBackupError('a table of the backup header has no name, columns or rows: damaged');
    }
    return { name: table.name, columns: table.columns as string[], rows: table.rows };
  });
  return { format: backupFormat, formatVersion: backupFormatVersion, schemaVersion, blogServerVersion, createdAt, source, tables: shapes };
}

/** The tables a backup must hold, each with the columns the schema cannot fill in itself. */
function checkTables(header: BackupHeader): void {
  for (const shape of header.tables) {
    const table = tableNamed(shape.name);
    if (!table) throw new BadBackupError(`the backup holds a table "${shape.name}" this blog-server does not know: made by a newer blog-server (${header.blogServerVersion})`);
    const unknown = shape.columns.filter((column) => table.columns[column] === undefined);
    if (unknown.length > 0) throw new BadBackupError(`the backup's ${shape.name} has columns this blog-server does not know (${unknown.join(', ')}): made by a newer blog-server (${header.blogServerVersion})`);
    const missing = Object.keys(table.columns).filter((column) => !mayBeAbsent(table, column) && !shape.columns.includes(column));
    if (missing.length > 0) throw new BadBackupError(`the backup's ${shape.name} lacks the columns ${missing.join(', ')}: damaged`);
  }
}

function checkRow(value: unknown, shape: TableShape, number: number): DataRow {
  const table = tableNamed(shape.name);
  if (!Array.isArray(value) || value.length !== shape.columns.length || !table) throw new BadBackupError(`line ${number} is not a row of ${shape.name}: damaged`);
  return shape.columns.map((column, index): CellValue => {
    const cell = normalizeCell(table.columns[column] ?? 'text', value[index]);
    if (cell instanceof Error) throw new BadBackupError(`line ${number}: ${shape.name}.${column} ${cell.message}: damaged`);
    return cell;
  });
}

export interface ReadBackupOptions {
  /** Rows per call of `onRows`. */
  batchSize: number;
  /** Gets the rows as they are read, after they are checked; the file's end is checked after the last call. */
  onRows?(shape: TableShape, rows: readonly DataRow[]): Promise<void>;
  /** Called once the header is read and checked. */
  onHeader?(header: BackupHeader): void | Promise<void>;
}

/**
 * Reads a backup through, checking its structure, every row, the row counts and the checksums; it
 * resolves its header and trailer only if all agree, and throws BadBackupError otherwise.
 */
export async function readBackup(path: string, options: ReadBackupOptions): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let shape: TableShape | undefined;
  let digest: TableDigest | undefined;
  const seen: Record<string, TableSummary> = {};
  let batch: DataRow[] = [];
  const flush = async () => {
    if (batch.length > 0 && shape && options.onRows) await options.onRows(shape, batch);
    batch = [];
  };
  const endTable = async () => {
    await flush();
    if (shape && digest) seen[shape.name] = digest.summary();
  };
  let number = 0;
  for await (const line of linesOf(path)) {
    number += 1;
    if (trailer) throw new BadBackupError(`line ${number} follows the trailer: damaged`);
    const value = parseLine(line, number);
    if (!header) {
      header = checkHeader(value);
      checkTables(header);
      await options.onHeader?.(header);
      continue;
    }
    if (Array.isArray(value)) {
      if (!shape || !digest) throw new BadBackupError(`line ${number} is a row outside any table: damaged`);
      const row = checkRow(value, shape, number);
      digest.add(row);
      batch.push(row);
      if (batch.length >= options.batchSize) await flush();
      continue;
    }
    if (isObject(value) && typeof value.table === 'string') {
      await endTable();
      const next: TableShape | undefined = header.tables.find((table) => table.name === value.table);
      if (!next || seen[next.name]) throw new BadBackupError(`line ${number} starts table "${value.table}", which the header does not announce or which came already: damaged`);
      shape = next;
      digest = new TableDigest();
      continue;
    }
    if (isObject(value) && value.end === true && isObject(value.tables)) {
      await endTable();
      shape = undefined;
      trailer = { end: true, tables: value.tables as Record<string, TableSummary> };
      continue;
    }
    throw new BadBackupError(`line ${number} is neither a row, a table nor the trailer: damaged`);
  }
  if (!header) throw new BadBackupError('the file is empty: not a blog-server backup');
  if (!trailer) throw new BadBackupError(`the backup ends after line ${number} without its trailer: cut short (a backup killed mid-way?)`);
  const expected = Object.fromEntries(header.tables.map((table) => [table.name, trailer.tables[table.name] ?? { rows: -1, sha256: '' }]));
  const differences = summaryDifferences(expected, seen);
  const announced = header.tables.filter((table) => table.rows !== expected[table.name]?.rows).map((table) => `${table.name} announces ${table.rows} rows`);
  if (differences.length > 0 || announced.length > 0) throw new BadBackupError(`the backup does not match its manifest: ${[...differences, ...announced].join('; ')}`);
  return { header, trailer };
}
