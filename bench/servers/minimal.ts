/**
 * What any implementation must pay: bare node:http reading the row with a prepared statement (SQLite
 * through better-sqlite3 by default; the same read through mysql2 or pg for a network DATABASE_URL)
 * and answering the detail envelope.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Blog } from '../../src/core/ports.ts';
import { detailBody, idOf, jsonHeaders, notFoundBody, referenceOptions, serveUntilSignalled } from './reference.ts';
import { openRowReader } from './row-reader.ts';

const { databaseUrl, port } = referenceOptions();
const reader = await openRowReader(databaseUrl);

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { ...jsonHeaders, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function answer(response: ServerResponse, record: Blog | undefined): void {
  send(response, 200, record ? detailBody(record) : notFoundBody);
}

serveUntilSignalled(createServer((request, response) => {
  const url = request.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  if (path !== '/api/blog/detail') return send(response, 404, notFoundBody);
  const id = idOf(new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1)).get('id') ?? undefined);
  if (id === undefined) return send(response, 200, notFoundBody);
  const result = reader.read(id);
  if (result instanceof Promise) {
    result.then((record) => answer(response, record), () => send(response, 500, '{"errno":-1}'));
  } else {
    answer(response, result);
  }
}), port, () => reader.close());
