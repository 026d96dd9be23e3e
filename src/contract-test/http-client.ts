/**
 * A small HTTP client for black-box checks: keeps the session cookie like a browser and decodes the
 * course envelope. Used by `blog-server contract-test` and by the tests (test/helpers/client.ts).
 */

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

/** How long one request may take before the check fails: a server that hangs must not hang the run. */
const REQUEST_TIMEOUT_MS = 30_000;

export class Client {
  baseUrl: string;
  /** `name=value` of the session cookie, as a browser would send it. */
  cookie: string | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
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
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie && options.cookie === undefined) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = /max-age=0/i.test(setCookie) || /expires=thu, 01 jan 1970/i.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      get json(): Envelope {
        try {
          return JSON.parse(text) as Envelope;
        } catch {
          throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
        }
      },
    };
  }

  get(path: string, options?: RequestOptions): Promise<Reply> {
    return this.request('GET', path, options);
  }

  post(path: string, json?: unknown, options: RequestOptions = {}): Promise<Reply> {
    return this.request('POST', path, json === undefined ? options : { ...options, json });
  }

  /** Logs in; throws when the server does not answer `errno: 0`. Resolves with the envelope's `data`. */
  async login(username: string, password = '123'): Promise<unknown> {
    const reply = await this.post('/api/user/login', { username, password });
    let body: Envelope | undefined;
    try {
      body = reply.json;
    } catch {
      body = undefined;
    }
    if (body?.errno !== 0) throw new Error(`login of ${username} failed: ${reply.status} ${reply.text.slice(0, 200)}`);
    return body.data;
  }
}
