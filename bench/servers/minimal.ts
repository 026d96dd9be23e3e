/**
 * What any implementation must pay: bare node:http reading the row with a prepared statement (SQLite
 * through better-sqlite3 by default; the same read through mysql2 or pg for a network DATABASE_URL)
 * and answering the detail envelope, and one list page with the headers a client needs
 * (X-Total-Count, and Link to the first, neighbouring and last pages), as blog-server does.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Blog } from '../../src/core/ports.ts';
import { detailBody, headerList, idOf, notFoundBody, referenceOptions, serveUntilSignalled } from './reference.ts';
import { openRowReader, type Page } from './row-reader.ts';

const { databaseUrl, port } = referenceOptions();
const reader = await openRowReader(databaseUrl);

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, headerList('Content-Length', String(Buffer.byteLength(body))));
  response.end(body);
}

function answer(response: ServerResponse, record: Blog | undefined): void {
  send(response, 200, record ? detailBody(record) : notFoundBody);
}

const pageNumber = (value: string | null, fallback: number) => (value !== null && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : fallback);

function answerPage(response: ServerResponse, query: URLSearchParams, page: number, pageSize: number, { blogs, total }: Page): void {
  const body = JSON.stringify({ errno: 0, data: blogs });
  const link = (target: number, rel: string) => {
    query.set('page', String(target));
    return `</api/blog/list?${query.toString()}>; rel="${rel}"`;
  };
  const last = Math.max(1, Math.ceil(total / pageSize));
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'));
  links.push(link(last, 'last'));
  response.writeHead(200, headerList('X-Total-Count', String(total), 'Link', links.join(', '), 'Content-Length', String(Buffer.byteLength(body))));
  response.end(body);
}

function list(response: ServerResponse, query: URLSearchParams): void {
  const page = pageNumber(query.get('page'), 1);
  const pageSize = Math.min(pageNumber(query.get('pageSize'), 10), 100);
  const author = query.get('author') ?? undefined;
  const result = reader.page(author, pageSize, (page - 1) * pageSize);
  if (result instanceof Promise) {
    result.then((found) => answerPage(response, query, page, pageSize, found), () => send(response, 500, '{"errno":-1}'));
  } else {
    answerPage(response, query, page, pageSize, result);
  }
}

serveUntilSignalled(createServer((request, response) => {
  const url = request.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  if (path === '/api/blog/list') return list(response, new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1)));
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
