/**
 * The checksum of a table: SHA-256 over its rows in id order, each row as the compact JSON array of
 * its normalized values plus a newline, which is exactly the row's line in a backup file. The same
 * rows give the same digest whichever database they were read from.
 */
import { createHash, type Hash } from 'node:crypto';
import type { DataRow } from '../../storage/transfer/blog-data.ts';

export interface TableSummary {
  rows: number;
  sha256: string;
}

export class TableDigest {
  readonly #hash: Hash = createHash('sha256');
  #rows = 0;

  /** Adds a row; returns its line (without the newline), for a writer that wants it. */
  add(row: DataRow): string {
    const line = JSON.stringify(row);
    this.#hash.update(`${line}\n`);
    this.#rows += 1;
    return line;
  }

  summary(): TableSummary {
    return { rows: this.#rows, sha256: this.#hash.copy().digest('hex') };
  }
}

/** What differs between two sets of table summaries, one phrase per table; empty when they agree. */
export function summaryDifferences(expected: Readonly<Record<string, TableSummary>>, actual: Readonly<Record<string, TableSummary>>): string[] {
  return Object.entries(expected).flatMap(([table, want]) => {
    const got = actual[table];
    if (!got) return [`${table} is missing`];
    if (got.rows !== want.rows) return [`${table} has ${got.rows} rows instead of ${want.rows}`];
    if (got.sha256 !== want.sha256) return [`${table}'s checksum differs (${got.sha256.slice(0, 12)}… instead of ${want.sha256.slice(0, 12)}…)`];
    return [];
  });
}
