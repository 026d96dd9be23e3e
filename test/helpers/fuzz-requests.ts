/**
 * Seeded random HTTP requests for the fuzz test (test/contract/fuzz.test.ts): generated from the
 * route table's paths and fields and then mutated — odd methods and paths, broken percent-encoding,
 * odd Unicode, JSON of wrong types, deep nesting, huge numbers, duplicate keys, U+0000, lone
 * surrogates, invalid UTF-8, `__proto__`, forms, wrong or missing content types, truncated and
 * chunked bodies, garbage cookies. The same seed gives the same requests.
 */

/** mulberry32: a small, fast PRNG whose whole state is one 32-bit number. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.below(items.length)] as T;
  }
}

/** FNV-1a of a string: a cell's own seed from the run's seed and its name. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return hash;
}

export interface FuzzRequest {
  /** fetch: a request any HTTP client can send; raw: bytes on a socket, possibly malformed HTTP. */
  transport: 'fetch' | 'raw';
  method: string;
  /** The request target: path and query, as sent. */
  target: string;
  headers: [string, string][];
  body: Buffer | undefined;
  /**
   * raw only: how the body goes out. `truncated` declares more than it sends, then half-closes;
   * `pipelined` is followed on the same connection by a normal request, which must be answered too.
   */
  framing: 'length' | 'chunked' | 'truncated' | 'bad-chunked' | 'pipelined';
  /** Whether it carries the logged-in user's cookie (added by the runner). */
  loggedIn: boolean;
}

/** A failing request as a reader can replay it by hand. */
export function describeRequest(request: FuzzRequest): string {
  const cut = (text: string) => (text.length > 300 ? `${JSON.stringify(text.slice(0, 300))}… (${text.length} characters)` : JSON.stringify(text));
  const body = request.body === undefined ? '(none)' : request.body.length > 600 ? `${JSON.stringify(request.body.subarray(0, 600).toString('latin1'))}… (${request.body.length} bytes, latin1)` : JSON.stringify(request.body.toString('latin1'));
  const headers = request.headers.map(([name, value]) => `${name}: ${cut(value)}`).join('\n    ');
  return `${request.transport} ${JSON.stringify(request.method)} ${cut(request.target)} (${request.framing}${request.loggedIn ? ', logged in' : ''})\n    ${headers}\n  body: ${body}`;
}

const apiPaths = [
  '/api/blog/list', '/api/blog/detail', '/api/blog/new', '/api/blog/update', '/api/blog/del', '/api/blog/delete',
  '/api/user/logout', '/api/user/logOut', '/api/user/info', '/api/user/loginCheck',
  '/api/user/checkLogin', '/api/user/login-test',
];

const otherPaths = [
  '/', '/index.html', '/api', '/api/', '/api/blog', '/api/blog/', '/api/user/', '/favicon.ico', '/assets/', '/login.html',
  '/assets/../../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%', '/%zz', '/%00', '/api/%00', '/api/blog/%E0%A4%A',
  '/api/blog/list%00', '/API/BLOG/LIST', '/api//blog/list', '/api/blog/list/', '/api/blog/list/..', '/api/blog/./list',
  '/api/blog/list;jsessionid=1', `/${'a'.repeat(3000)}`, '/%F0%9F%98%80', '/\u00e9', '/api/__proto__', '/api/constructor/prototype',
];

const methods = ['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];
/** Methods fetch refuses or that are not methods at all: raw sockets only. */
const rawMethods = ['get', 'post', 'TRACE', 'CONNECT', 'FOO', 'POST ', 'G\u00c9T', 'PROPFIND', ''];

const fieldNames = ['id', 'page', 'pageSize', 'author', 'keyword', 'isadmin', 'title', 'content', 'username', 'password', '__proto__', 'constructor', 'prototype', 'id[]', 'id[a]', 'toString', 'hasOwnProperty', ''];

/** Query values as they go on the wire (already percent-encoded or deliberately not). */
const queryValues = [
  '1', '2', '3', '0', '-1', '01', '1.5', '1e3', '1e309', '99999999999999999999', '9007199254740993', '9007199254740991', 'NaN', 'Infinity',
  '', '%', '%zz', '%2', '%00', 'a%00b', '%ED%A0%80', '%ED%B0%80', '%C0%AF', '%FF%FE', '%E6%90', '%F0%9F%98%80', '%E2%80%AE', '%EF%BB%BF',
  'zhangsan', 'lisi', '%27%20OR%20%271%27%3D%271', '%25', '_', '%5F%25', 'a+b', '%2B', '%26', '%3D', '[]', '{}', 'true', 'null', 'undefined',
  'x'.repeat(5000), '%E4%B8%AD'.repeat(300), '%25'.repeat(3000),
];

/** Strings for JSON bodies, as JSON text (so escapes like \u0000 and lone \ud800 survive). */
const jsonStrings = [
  '""', '"t"', '"title"', '"  "', '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"\\udfff"', '"x\\ud83d"', '"\\ud83d\\ude00"', '"\\ufeff"', '"\\u202e"',
  '"<script>alert(1)</script>"', '"<img src=x onerror=alert(1)>"', '"zhangsan"', '"lisi"', '"123"', '"\' OR 1=1 --"', '"%"', '"_"',
  `"${'长'.repeat(101)}"`, `"${'a'.repeat(2000)}"`, '"\\n\\r\\t"', '"\\u0001\\u001f\\u007f"', '"\u00e9\u4e2d\u{1f600}"',
];

/** JSON values of every type, as JSON text. */
function jsonValue(random: Random, depth: number): string {
  const kind = random.below(depth > 3 ? 7 : 10);
  switch (kind) {
    case 0: case 1: case 2: return random.pick(jsonStrings);
    case 3: return random.pick(['0', '-0', '1', '-1', '1.5', '1e308', '1e309', '-1e309', '123456789012345678901234567890', '9007199254740993', '0.1e-400']);
    case 4: return random.pick(['true', 'false']);
    case 5: return 'null';
    case 6: return random.pick(['[]', '{}', '[""]', '["a","b"]']);
    case 7: return `[${Array.from({ length: random.below(4) }, () => jsonValue(random, depth + 1)).join(',')}]`;
    case 8: return jsonObject(random, depth + 1);
    default: return deepNesting(random);
  }
}

function deepNesting(random: Random): string {
  const depth = random.pick([10, 100, 1000, 5000]);
  return random.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function jsonObject(random: Random, depth: number): string {
  const entries = Array.from({ length: random.below(5) }, () => `${JSON.stringify(random.pick(fieldNames))}:${jsonValue(random, depth)}`);
  if (random.chance(0.2)) entries.push(`"title":${jsonValue(random, depth)}`, `"title":${jsonValue(random, depth)}`);
  if (random.chance(0.1)) entries.push(`"__proto__":{"title":"proto","isAdmin":true}`);
  return `{${entries.join(',')}}`;
}

/** A body the routes would take, mostly: the right fields, with values that may be wrong. */
function plausibleJson(random: Random, path: string): string {
  const fields = path.includes('login') ? ['username', 'password'] : ['title', 'content'];
  return `{${fields.filter(() => random.chance(0.85)).map((name) => `"${name}":${random.chance(0.6) ? random.pick(jsonStrings) : jsonValue(random, 1)}`).join(',')}}`;
}

/** Bytes that are not UTF-8, or UTF-8 of what JSON cannot say: overlong forms, lone continuation bytes. */
const invalidUtf8 = [Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80]), Buffer.from([0xe6, 0x90]), Buffer.from([0xf4, 0x90, 0x80, 0x80])];

function mutate(random: Random, body: Buffer): Buffer {
  const bytes = Buffer.from(body);
  switch (random.below(5)) {
    case 0: return bytes.subarray(0, random.below(bytes.length + 1));
    case 1: {
      const at = random.below(bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), random.pick(invalidUtf8), bytes.subarray(at)]);
    }
    case 2: {
      if (bytes.length > 0) bytes[random.below(bytes.length)] = random.below(256);
      return bytes;
    }
    case 3: return Buffer.concat([bytes, Buffer.from(random.pick([',', '}', '"', '\\', '\u0000', ' garbage']))]);
    default: return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  }
}

function formBody(random: Random): Buffer {
  const pairs = Array.from({ length: random.below(5) }, () => `${encodeURIComponent(random.pick(fieldNames))}=${random.pick(queryValues)}`);
  if (random.chance(0.3)) pairs.push(`title=${random.pick(queryValues)}`, `title=${random.pick(queryValues)}`);
  return Buffer.from(pairs.join(random.chance(0.9) ? '&' : ';'));
}

function body(random: Random, path: string): { body: Buffer | undefined; contentType: string | undefined } {
  const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/vnd.api+json', 'application/json;;;', 'application/json; charset="', 'text/json'];
  const otherTypes = ['text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream', '', '*/*', 'application/x-www-form-urlencoded; charset=utf-16', 'application/xml', ';', 'application/json, text/plain'];
  const kind = random.below(10);
  if (kind === 0) return { body: undefined, contentType: random.chance(0.5) ? 'application/json' : undefined };
  if (kind <= 4) {
    const text = kind <= 2 ? plausibleJson(random, path) : random.chance(0.7) ? jsonObject(random, 0) : jsonValue(random, 0);
    const bytes = random.chance(0.25) ? mutate(random, Buffer.from(text)) : Buffer.from(text);
    return { body: bytes, contentType: random.chance(0.75) ? 'application/json' : random.pick([...jsonTypes, ...otherTypes, undefined]) };
  }
  if (kind <= 6) {
    const bytes = random.chance(0.2) ? mutate(random, formBody(random)) : formBody(random);
    return { body: bytes, contentType: random.chance(0.8) ? 'application/x-www-form-urlencoded' : random.pick([...otherTypes, undefined]) };
  }
  if (kind === 7) return { body: Buffer.from(random.pick(['null', '[]', '"str"', '1', 'true', '', ' ', '{', '{"title":', 'undefined', '{title:"x"}', "{'title':'x'}"])), contentType: 'application/json' };
  if (kind === 8) return { body: Buffer.alloc(random.pick([1_000, 20_000, 70_000]), 'a'), contentType: random.pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain']) };
  return { body: Buffer.from(random.pick(invalidUtf8)), contentType: random.pick([...jsonTypes, ...otherTypes]) };
}

function queryString(random: Random): string {
  if (random.chance(0.3)) return '';
  const pairs = Array.from({ length: 1 + random.below(4) }, () => {
    const name = random.chance(0.85) ? encodeURIComponent(random.pick(fieldNames)) : random.pick(['%', '%zz', '%00', 'a%ED%A0%80', '&', '==', '']);
    return random.chance(0.1) ? name : `${name}=${random.pick(queryValues)}`;
  });
  return `?${pairs.join(random.chance(0.95) ? '&' : random.pick([';', '&&', '?']))}`;
}

function headers(random: Random, raw: boolean, withBody: boolean): [string, string][] {
  const list: [string, string][] = [];
  if (random.chance(0.1)) list.push(['Cookie', random.pick(['blog.sid=', 'blog.sid=garbage', 'blog.sid=s%3Aabc.def', `blog.sid=${'x'.repeat(4000)}`, 'a=b; a=c', '=', ';;;', 'blog.sid="unterminated', '%ff=%ff', 'connect.sid=s%3A'])]);
  if (random.chance(0.15)) list.push(['X-Forwarded-For', random.pick(['1.2.3.4', 'garbage', '', '::1, 10.0.0.1', '999.999.999.999', 'a'.repeat(500), ',', ' , 1.2.3.4', '\u00ff\u00fe', '[::1]:80', 'unknown'])]);
  if (random.chance(0.05)) list.push(['X-Forwarded-Proto', random.pick(['https', 'http', 'gopher', '', 'https, http'])]);
  if (random.chance(0.05)) list.push(['X-Forwarded-Host', random.pick(['evil.example', '127.0.0.1', '', 'a b', 'host:99999'])]);
  if (random.chance(0.1)) list.push(['Accept-Encoding', random.pick(['gzip', 'br', '*', 'identity;q=0', 'garbage;q=x'])]);
  if (random.chance(0.05)) list.push(['Content-Encoding', random.pick(['gzip', 'deflate', 'br', 'identity', 'x-unknown'])]);
  if (random.chance(0.05)) list.push(['If-None-Match', random.pick(['*', '"abc"', 'W/"x"', 'garbage'])]);
  if (random.chance(0.05)) list.push(['Range', random.pick(['bytes=0-0', 'bytes=-1', 'bytes=9999999-', 'bytes=a-b', 'lines=1-2'])]);
  if (random.chance(0.05)) list.push(['Origin', random.pick(['null', 'http://127.0.0.1', 'http://evil.example', ''])]);
  if (random.chance(0.05)) list.push(['Accept', random.pick(['text/html', 'application/json', '*/*;q=garbage', ''])]);
  if (random.chance(0.05)) list.push(['X-Long', 'y'.repeat(random.pick([100, 8_000]))]);
  // fetch refuses to send these itself: raw sockets only.
  if (raw && random.chance(0.05)) list.push(['Expect', random.pick(['100-continue', '100-Continue', 'garbage', ''])]);
  // Upgrade only without a body: an Upgrade request with a broken chunked body is answered by no
  // engine until REQUEST_TIMEOUT (node's parser stops at it and waits), which would stall the run.
  if (raw && !withBody && random.chance(0.05)) list.push(['Upgrade', random.pick(['websocket', 'h2c', 'garbage'])], ['Connection', 'Upgrade']);
  return list;
}

/** The methods the route table takes at `path` (both for the logout and login-check variants). */
function methodsOf(path: string): readonly string[] {
  if (['/api/blog/list', '/api/blog/detail', '/api/user/info'].includes(path)) return ['GET', 'HEAD'];
  if (['/api/blog/new', '/api/blog/update', '/api/blog/del', '/api/blog/delete', '/api/user/login'].includes(path)) return ['POST'];
  return ['GET', 'POST'];
}

/** One generated request; the runner adds the session cookie when `loggedIn`. */
export function generateRequest(random: Random): FuzzRequest {
  // A login that reaches the password check costs a scrypt (≈200 ms here): rarer than the other routes.
  const path = random.chance(0.015) ? '/api/user/login' : random.chance(0.8) ? random.pick(apiPaths) : random.pick(otherPaths);
  const raw = random.chance(0.35);
  // Most requests use a method their route takes, so that they reach its inputs rather than a 405.
  const fitting = path.startsWith('/api/') && random.chance(0.6) ? methodsOf(path) : methods;
  const method = raw && random.chance(0.15) ? random.pick(rawMethods) : random.pick(fitting);
  const withBody = method !== 'GET' && method !== 'HEAD' ? random.chance(0.9) : random.chance(0.05);
  const { body: payload, contentType } = withBody ? body(random, path) : { body: undefined, contentType: undefined };
  const list = headers(random, raw, withBody);
  if (contentType !== undefined) list.push(['Content-Type', contentType]);
  const framing = raw ? random.pick(['length', 'length', 'chunked', 'truncated', 'bad-chunked', 'pipelined', 'pipelined'] as const) : 'length';
  let target = `${path}${queryString(random)}`;
  // Raw targets may carry bytes no client would send unencoded.
  if (raw && random.chance(0.1)) target = `${target}${random.pick(['\u00e9', ' x', '#frag', '\u4e2d', '\t', '%'])}`;
  return { transport: raw ? 'raw' : 'fetch', method, target, headers: list, body: payload, framing, loggedIn: random.chance(0.5) };
}
