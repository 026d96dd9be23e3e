/**
 * The course's native server writing to MariaDB (issue 20's `create` reference): bare node:http, the
 * course's login (a `users` row by name and password hash, the session kept in Redis behind a
 * random cookie) and its `POST /api/blog/new` — the session read from Redis, title and content
 * through the `xss` filter, one INSERT through a mysql2 pool (the server's own commit, as MariaDB's
 * defaults make it durable: InnoDB's group commit with `innodb_flush_log_at_trx_commit=1`), answered
 * `{ errno: 0, data: { id } }`. It runs on a database of its own, `bench_course_<pid>` on
 * BENCH_COURSE_MYSQL_URL (default mysql://root@127.0.0.1:3306/test), and drops it when stopped;
 * sessions live under `bench-course:<pid>:` in BENCH_COURSE_REDIS_URL (default redis://127.0.0.1:6379)
 * and expire after 10 minutes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import mysql, { type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { createClient } from 'redis';
import xss from 'xss';
import { jsonHeaders, referenceOptions, serveUntilSignalled } from './reference.ts';

const { port } = referenceOptions();
const adminUrl = process.env.BENCH_COURSE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const database = `bench_course_${process.pid}`;
const sessionPrefix = `bench-course:${process.pid}:`;
/** The course hashes passwords with md5 and a fixed secret. */
const passwordHash = (password: string) => createHash('md5').update(`password=${password}&key=WJiol_8776#`).digest('hex');

const admin = await mysql.createConnection(adminUrl);
await admin.query(`create database \`${database}\` character set utf8mb4`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${database}`;
const pool = mysql.createPool({ uri: url.toString(), connectionLimit: 10 });
await pool.query('create table users (id int primary key auto_increment, username varchar(20) not null unique, `password` varchar(32) not null, realname varchar(10) not null)');
await pool.query('create table blogs (id int primary key auto_increment, title varchar(50) not null, content longtext not null, createtime bigint not null, author varchar(20) not null)');
await pool.execute('insert into users (username, `password`, realname) values (?, ?, ?)', ['zhangsan', passwordHash('123'), '张三']);
const redis = createClient({ url: process.env.BENCH_COURSE_REDIS_URL ?? 'redis://127.0.0.1:6379' });
await redis.connect();

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...jsonHeaders, ...headers, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

async function username(request: IncomingMessage): Promise<string | undefined> {
  const sid = /(?:^|;\s*)sid=([0-9a-f]{32})/.exec(request.headers.cookie ?? '')?.[1];
  if (sid === undefined) return undefined;
  const session = await redis.get(sessionPrefix + sid);
  return session === null ? undefined : text((JSON.parse(session) as { username?: unknown }).username) || undefined;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'POST' && request.url === '/api/user/login') {
    const body = await bodyOf(request);
    const [rows] = await pool.execute<RowDataPacket[]>('select username, realname from users where username = ? and `password` = ?', [text(body.username), passwordHash(text(body.password))]);
    const user = rows[0];
    if (user === undefined) return send(response, 200, { errno: -1, message: '登录失败' });
    const sid = randomBytes(16).toString('hex');
    await redis.set(sessionPrefix + sid, JSON.stringify({ username: user.username, realname: user.realname }), { EX: 600 });
    return send(response, 200, { errno: 0 }, { 'Set-Cookie': `sid=${sid}; Path=/; HttpOnly` });
  }
  if (request.method === 'POST' && request.url === '/api/blog/new') {
    const author = await username(request);
    if (author === undefined) return send(response, 200, { errno: -1, message: '尚未登录' });
    const body = await bodyOf(request);
    const [result] = await pool.execute<ResultSetHeader>('insert into blogs (title, content, createtime, author) values (?, ?, ?, ?)', [xss(text(body.title)), xss(text(body.content)), Date.now(), author]);
    return send(response, 200, { errno: 0, data: { id: result.insertId } });
  }
  send(response, 404, { errno: -1, message: 'not found' });
}

serveUntilSignalled(createServer((request, response) => {
  handle(request, response).catch(() => send(response, 500, { errno: -1, message: 'server error' }));
}), port, async () => {
  await pool.query(`drop database \`${database}\``).catch(() => {});
  await pool.end();
  await redis.quit();
});
