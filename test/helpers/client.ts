/** A small HTTP client for black-box tests: keeps the session cookie like a browser, decodes the envelope. */
import { strict as assert } from 'node:assert';
import type { ErrorCode } from '../../src/core/errors.ts';

export interface Envelope {
  errno: number;
  data?: unknown;
  message?: string;
  code?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (throws when it is not JSON). */
  json: Envelope;
}

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  /** A raw body, sent with `contentType`. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send this cookie header instead of the client's own. */
  cookie?: string;
}

export class Client {
  baseUrl: string;
  /** `name=value` of the session cookie, as a browser would send it. */
  cookie: string | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType) headers['content-type'] = options.contentType;
    }
    const cookie = options.cookie ?? this.cookie;
    if (cookie) headers.cookie = cookie;
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie && options.cookie === undefined) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = /max-age=0/i.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      get json(): Envelope {
        return JSON.parse(text) as Envelope;
      },
    };
  }

  get(path: string, options?: RequestOptions): Promise<Reply> {
    return this.request('GET', path, options);
  }

  post(path: string, json?: unknown, options: RequestOptions = {}): Promise<Reply> {
    return this.request('POST', path, json === undefined ? options : { ...options, json });
  }

  /** Logs in and asserts success. */
  async login(username: string, password = '123'): Promise<void> {
    const reply = await this.post('/api/user/login', { username, password });
    assert.equal(reply.json.errno, 0, `login of ${username} failed: ${reply.text}`);
  }
}

/** Asserts a success in the envelope: the status, JSON, `errno: 0`, and no `code` or `message`. */
export function assertEnvelope(reply: Reply, status: number, errno: 0): Envelope;
/**
 * Asserts a failure in the envelope: the status, JSON, `errno: -1`, the catalogue `code`, and the
 * whole `message` — `<catalogue message>: <detail>` when the error carries a detail.
 */
export function assertEnvelope(reply: Reply, status: number, errno: -1, code: ErrorCode, message: string): Envelope;
export function assertEnvelope(reply: Reply, status: number, errno: 0 | -1, code?: ErrorCode, message?: string): Envelope {
  assert.equal(reply.status, status, `status of ${reply.text}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
  const body = reply.json;
  assert.equal(body.errno, errno, `errno of ${reply.text}`);
  assert.equal(body.code, code, `code of ${reply.text}`);
  assert.equal(body.message, message, `message of ${reply.text}`);
  return body;
}

/** A backend (database, session store) was away: the 503 envelope with its code. */
export function assertServiceUnavailable(reply: Reply): void {
  assertEnvelope(reply, 503, -1, 'SERVICE_UNAVAILABLE', '服务暂时不可用，请稍后再试');
}
