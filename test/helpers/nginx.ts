/**
 * Debian's nginx run from the configuration `blog-server deploy nginx` prints, for tests: a temp
 * prefix, a free port on 127.0.0.1, `nginx -p PREFIX -c PREFIX/nginx.conf -g 'daemon off;'` as a
 * child process, stopped (and the prefix removed) by `stop()`. Also a request function that can
 * send from another loopback address (127.0.0.2), so the client is not nginx's own 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { eventually } from './eventually.ts';

export const NGINX = '/usr/sbin/nginx';

/** A port nobody listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `nginx -t` on a file: its exit status and what it said. */
export function nginxTest(prefix: string, configFile: string): { status: number | null; output: string } {
  const result = spawnSync(NGINX, ['-t', '-p', prefix, '-c', configFile], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface RunningNginx {
  url: string;
  port: number;
  prefix: string;
  /** The printed configuration. */
  config: string;
  /** nginx's combined access log so far. */
  accessLog(): string;
  stop(): Promise<void>;
}

/**
 * Prints the configuration with `deploy nginx --prefix TMP --listen 127.0.0.1:PORT …args` (env: the
 * settings it reads, BODY_LIMIT …), checks it with `nginx -t`, starts nginx and waits until it accepts.
 */
export async function startNginx(args: readonly string[], env: Record<string, string> = {}): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'blog-nginx-'));
  const port = await freePort();
  const printed = await runCli(['deploy', 'nginx', '--prefix', prefix, '--listen', `127.0.0.1:${port}`, ...args], { env });
  if (printed.code !== 0) {
    rmSync(prefix, { recursive: true, force: true });
    throw new Error(`deploy nginx exited with ${printed.code}: ${printed.stderr}`);
  }
  const configFile = join(prefix, 'nginx.conf');
  writeFileSync(configFile, printed.stdout);
  const checked = nginxTest(prefix, configFile);
  if (checked.status !== 0) {
    rmSync(prefix, { recursive: true, force: true });
    throw new Error(`nginx -t refused the printed configuration:\n${checked.output}`);
  }
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', configFile, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM is nginx's fast shutdown; SIGKILL if it has not gone after 5 s.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await eventually(() => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}`);
      return accepts(port);
    }, 10_000, `nginx listening on 127.0.0.1:${port}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prefix,
    config: printed.stdout,
    accessLog: () => readFileSync(join(prefix, 'logs', 'access.log'), 'utf8'),
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client socket's own address: 127.0.0.2 is a client other than nginx (127.0.0.1). */
  localAddress?: string;
}

/** One request on a fresh connection; the body is not decoded (a gzip answer stays gzip). */
export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = httpRequest(url, { method: options.method ?? 'GET', headers, localAddress: options.localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
      });
      response.on('error', reject);
    });
    request.setTimeout(15_000, () => request.destroy(new Error(`no answer from ${url} within 15 s`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The `name=value` of the session cookie an answer sets, if any. */
export function sessionCookieOf(answer: Answer): string | undefined {
  const setCookie = answer.headers['set-cookie']?.[0];
  return setCookie?.split(';')[0];
}
