/** The measured endpoints: the request each sends, how hard to push it, and how to check one answer. */
import { blogContent, randomSource } from './content.ts';

export const endpointNames = ['detail', 'list', 'list-author', 'login', 'create'] as const;
export type EndpointName = (typeof endpointNames)[number];

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** `read`: many connections, full duration; `login`: scrypt-bound, few connections, shorter; `write`: creates rows. */
export type LoadKind = 'read' | 'login' | 'write';

export interface EndpointContext {
  detailId: number;
  /** `name=value` of a logged-in session (zhangsan), for `create`. */
  cookie: string | undefined;
}

export interface Endpoint {
  /** What the table says. */
  label: string;
  load: LoadKind;
  needsSession: boolean;
  request(context: EndpointContext): RequestSpec;
  /** Why one answer is wrong, or undefined when it is right. */
  check(status: number, body: unknown, context: EndpointContext): string | undefined;
}

const json = { 'content-type': 'application/json' };
const createBody = JSON.stringify({ title: '压测：新博客', content: blogContent(randomSource(42)) });

function envelopeProblem(status: number, body: unknown): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  if (typeof body !== 'object' || body === null || !('errno' in body) || body.errno !== 0) return `not errno 0: ${JSON.stringify(body).slice(0, 200)}`;
  return undefined;
}

function dataOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'data' in body ? body.data : undefined;
}

function listCheck(author: string | undefined) {
  return (status: number, body: unknown): string | undefined => {
    const problem = envelopeProblem(status, body);
    if (problem !== undefined) return problem;
    const data = dataOf(body);
    if (!Array.isArray(data) || data.length !== 10) return 'data is not a page of 10 blogs';
    const wrong = author === undefined ? undefined : (data as { author?: unknown }[]).find((blog) => blog.author !== author);
    return wrong ? `a blog of ${String(wrong.author)} in the list of ${author}` : undefined;
  };
}

export const endpoints: Record<EndpointName, Endpoint> = {
  detail: {
    label: 'detail',
    load: 'read',
    needsSession: false,
    request: ({ detailId }) => ({ method: 'GET', path: `/api/blog/detail?id=${detailId}`, headers: {} }),
    check(status, body, { detailId }) {
      const data = dataOf(body);
      const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
      return envelopeProblem(status, body) ?? (id === detailId ? undefined : `data.id is ${String(id)}, not ${detailId}`);
    },
  },
  'list-author': {
    label: 'list ?author=zhangsan, page 1 of 10',
    load: 'read',
    needsSession: false,
    request: () => ({ method: 'GET', path: '/api/blog/list?author=zhangsan&page=1&pageSize=10', headers: {} }),
    check: listCheck('zhangsan'),
  },
  list: {
    label: 'list, page 1 of 10',
    load: 'read',
    needsSession: false,
    request: () => ({ method: 'GET', path: '/api/blog/list?page=1&pageSize=10', headers: {} }),
    check: listCheck(undefined),
  },
  login: {
    label: 'login (scrypt)',
    load: 'login',
    needsSession: false,
    request: () => ({ method: 'POST', path: '/api/user/login', headers: json, body: JSON.stringify({ username: 'zhangsan', password: '123' }) }),
    check: envelopeProblem,
  },
  create: {
    label: 'create (logged in)',
    load: 'write',
    needsSession: true,
    request: ({ cookie }) => ({ method: 'POST', path: '/api/blog/new', headers: { ...json, ...(cookie ? { cookie } : {}) }, body: createBody }),
    check: envelopeProblem,
  },
};

function send(baseUrl: string, { method, path, headers, body }: RequestSpec): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
}

/** Sends one request; resolves the problem with its answer, if any. */
export async function probe(baseUrl: string, endpoint: Endpoint, context: EndpointContext): Promise<string | undefined> {
  const response = await send(baseUrl, endpoint.request(context));
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`;
  }
  return endpoint.check(response.status, parsed, context);
}

/** Logs in as zhangsan / 123 and resolves the session cookie as `name=value`. */
export async function logIn(baseUrl: string): Promise<string> {
  const response = await send(baseUrl, endpoints.login.request({ detailId: 0, cookie: undefined }));
  await response.arrayBuffer();
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (response.status !== 200 || !cookie) throw new Error(`bench: login as zhangsan failed (HTTP ${response.status}, no session cookie)`);
  return cookie;
}
