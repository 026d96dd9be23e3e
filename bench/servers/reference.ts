/**
 * What the reference servers share: their options (argv or env), the detail envelope with blog-server's
 * headers, the id parsing, and listening on 127.0.0.1 until SIGTERM / SIGINT.
 */
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import type { Blog } from '../../src/core/ports.ts';
import { errorCatalogue } from '../../src/core/errors.ts';

export interface ReferenceOptions {
  /** The seeded database: a SQLite path, `mysql://…` or `postgres://…`. */
  databaseUrl: string;
  port: number;
  /** The blog the raw ceiling keeps in memory. */
  id: number;
}

/** `--database URL --port N [--id N]`, or BENCH_DATABASE_URL, BENCH_PORT, BENCH_ID. */
export function referenceOptions(): ReferenceOptions {
  const { values } = parseArgs({
    options: { database: { type: 'string' }, port: { type: 'string' }, id: { type: 'string' } },
    strict: true,
  });
  const databaseUrl = values.database ?? process.env.BENCH_DATABASE_URL;
  const port = Number(values.port ?? process.env.BENCH_PORT);
  const id = Number(values.id ?? process.env.BENCH_ID ?? 1);
  if (!databaseUrl) throw new Error('reference server: --database (or BENCH_DATABASE_URL) is required');
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error('reference server: --port (or BENCH_PORT) must be a port number');
  if (!Number.isInteger(id) || id <= 0) throw new Error('reference server: --id must be a positive integer');
  return { databaseUrl, port, id };
}

/** The headers blog-server sends with every API answer (Content-Length is added per response). */
export const jsonHeaders = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } as const;

const jsonHeaderList: readonly string[] = Object.entries(jsonHeaders).flat();

/**
 * The same headers as `writeHead`'s flat list (name, value, name, value…), with the per-response
 * ones after them: node writes a list 3–4 µs a response faster than an object of the same headers
 * (docs/benchmark.md), and a reference server writes its answer the fastest plain way.
 */
export function headerList(...more: string[]): string[] {
  return [...jsonHeaderList, ...more];
}


/** The course envelope of `/api/blog/detail`, byte for byte what blog-server answers. */
export function detailBody(record: Blog): string {
  return JSON.stringify({ errno: 0, data: record });
}

export const notFound = { errno: -1, message: errorCatalogue.BLOG_NOT_FOUND.message, code: 'BLOG_NOT_FOUND' } as const;
export const notFoundBody = JSON.stringify(notFound);

/** The `id` of a query string when it is a positive integer. */
export function idOf(value: unknown): number | undefined {
  return typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : undefined;
}

/** Listens on 127.0.0.1:`port`; on SIGTERM / SIGINT closes the server, then `close`, then exits. */
export function serveUntilSignalled(server: Server, port: number, close: () => Promise<void> = async () => {}): void {
  server.listen(port, '127.0.0.1');
  const stop = () => {
    server.close();
    server.closeAllConnections();
    close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
