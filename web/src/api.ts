// The only place the pages talk to the server: every call goes through callApi, which turns the
// course envelope {errno, data, message} and any HTTP or network failure into one result type.

/** A blog as the API sends it (shared contract, "Blog object"). */
export interface Blog {
  id: number;
  title: string;
  content: string;
  createtime: number;
  author: string;
  updatetime?: number;
  /** Issue 17's additions; a server without them sends none, and the post is a published HTML post. */
  status?: 'published' | 'draft';
  /** When the post is or becomes public (ms); null for a draft. */
  publishtime?: number | null;
  format?: PostFormat;
  /** The Markdown text of a Markdown post (content is then its rendered HTML). */
  source?: string | null;
  /** Only in search= results: plain text around the first match, matches as UTF-16 offsets into text. */
  excerpt?: Excerpt;
}

export type PostFormat = 'html' | 'markdown';

export interface Excerpt {
  field: 'title' | 'content';
  text: string;
  matches: [number, number][];
}

/** The logged-in user, from GET /api/user/info. */
export interface UserInfo {
  username: string;
  realname: string;
}

export type ApiResult<T> =
  | { ok: true; data: T; headers: Headers }
  | { ok: false; status: number; message: string };

/** The course's message for a protected call without a session; the pages send the user to log in. */
export const NOT_LOGGED_IN = '尚未登录';

// Used only when a failure carries no message of its own (a proxy's HTML error page, a lost connection).
const MESSAGE_BY_STATUS: Record<number, string> = {
  0: '网络连接失败，请检查网络后重试',
  400: '请求格式不正确',
  404: '找不到请求的内容',
  405: '不支持这个操作',
  413: '内容太长了，请缩短后再试',
  429: '操作太频繁，请稍后再试',
  500: '服务器出错了，请稍后再试',
  503: '服务器暂时不可用，请稍后再试',
};

function fallbackMessage(status: number): string {
  return MESSAGE_BY_STATUS[status] ?? '请求失败，请稍后再试';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

interface CallOptions {
  method?: 'GET' | 'POST';
  /** Sent as JSON, the body type every copy of the course accepts. */
  body?: unknown;
}

/**
 * Calls the API and checks the envelope; `parse` checks `data` and returns undefined when its shape
 * is wrong, so a page never renders something it does not understand.
 */
export async function callApi<T>(
  path: string,
  parse: (data: unknown) => T | undefined,
  options: CallOptions = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method: options.method ?? 'GET', credentials: 'same-origin', headers };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, message: fallbackMessage(0) };
  }

  let envelope: unknown;
  try {
    envelope = await response.json();
  } catch {
    envelope = undefined;
  }
  if (!isRecord(envelope) || typeof envelope.errno !== 'number') {
    const status = response.ok ? 500 : response.status;
    return { ok: false, status, message: fallbackMessage(status) };
  }
  if (envelope.errno !== 0) {
    const message = typeof envelope.message === 'string' && envelope.message !== ''
      ? envelope.message
      : fallbackMessage(response.status);
    return { ok: false, status: response.status, message };
  }
  const data = parse(envelope.data);
  if (data === undefined) {
    return { ok: false, status: response.status, message: '服务器返回的数据无法识别' };
  }
  return { ok: true, data, headers: response.headers };
}

function isFormat(value: unknown): value is PostFormat {
  return value === 'html' || value === 'markdown';
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function isBlog(value: unknown): value is Blog {
  return isRecord(value)
    && typeof value.id === 'number'
    && typeof value.title === 'string'
    && typeof value.content === 'string'
    && typeof value.createtime === 'number'
    && typeof value.author === 'string'
    && (value.status === undefined || value.status === 'published' || value.status === 'draft')
    && (value.publishtime === undefined || value.publishtime === null || typeof value.publishtime === 'number')
    && (value.format === undefined || isFormat(value.format))
    && isOptionalString(value.source);
}

/**
 * Turns entities back into characters without parsing tags: a <textarea>'s content is RCDATA, so
 * `&lt;b&gt;` becomes `<b>` as text and nothing is created or run. The server escapes `<` in titles
 * on write (xss filter); shown with textContent, "a < b" must read as typed, not "a &lt; b".
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  const decoder = document.createElement('textarea');
  decoder.innerHTML = text;
  return decoder.value;
}

/** Titles are plain text: decoded here once, and only ever shown with textContent or as a value. */
/** An excerpt whose ranges are in bounds, ordered and apart; anything else is dropped, not trusted. */
function validExcerpt(value: unknown): Excerpt | undefined {
  if (!isRecord(value) || (value.field !== 'title' && value.field !== 'content') || typeof value.text !== 'string' || !Array.isArray(value.matches)) return undefined;
  const { text } = value;
  const matches: [number, number][] = [];
  let end = 0;
  for (const range of value.matches as unknown[]) {
    if (!Array.isArray(range) || range.length !== 2) return undefined;
    const [from, to] = range as unknown[];
    if (!Number.isInteger(from) || !Number.isInteger(to)) return undefined;
    const start = Number(from);
    const stop = Number(to);
    if (start < end || stop <= start || stop > text.length) return undefined;
    matches.push([start, stop]);
    end = stop;
  }
  return { field: value.field, text, matches };
}

function withPlainTitle(blog: Blog): Blog {
  const { excerpt, ...rest } = blog;
  const valid = validExcerpt(excerpt);
  return { ...rest, title: decodeEntities(blog.title), ...(valid ? { excerpt: valid } : {}) };
}

export function parseBlog(data: unknown): Blog | undefined {
  return isBlog(data) ? withPlainTitle(data) : undefined;
}

export function parseBlogList(data: unknown): Blog[] | undefined {
  return Array.isArray(data) && data.every(isBlog) ? data.map(withPlainTitle) : undefined;
}

export function parseUser(data: unknown): UserInfo | undefined {
  if (!isRecord(data) || typeof data.username !== 'string') return undefined;
  // realname is optional in spirit: a course database may leave it empty.
  return { username: data.username, realname: typeof data.realname === 'string' ? data.realname : '' };
}

export function parseCreated(data: unknown): { id: number } | undefined {
  return isRecord(data) && typeof data.id === 'number' ? { id: data.id } : undefined;
}

/** A saved version of a post (GET /api/blog/revisions lists them newest first). */
export interface RevisionSummary {
  revision: number;
  time: number;
  title: string;
  kind: 'save' | 'autosave' | 'restore';
  format: PostFormat;
}

export interface Revision extends RevisionSummary {
  /** The HTML to show (rendered for Markdown). */
  content: string;
  source?: string | null;
}

function isRevisionSummary(value: unknown): value is RevisionSummary {
  return isRecord(value)
    && typeof value.revision === 'number'
    && typeof value.time === 'number'
    && typeof value.title === 'string'
    && (value.kind === 'save' || value.kind === 'autosave' || value.kind === 'restore')
    && isFormat(value.format);
}

export function parseRevisions(data: unknown): RevisionSummary[] | undefined {
  return Array.isArray(data) && data.every(isRevisionSummary)
    ? data.map((revision) => ({ ...revision, title: decodeEntities(revision.title) }))
    : undefined;
}

export function parseRevision(data: unknown): Revision | undefined {
  if (!isRevisionSummary(data) || !isRecord(data) || typeof data.content !== 'string' || !isOptionalString(data.source)) return undefined;
  return { ...data, content: data.content, source: typeof data.source === 'string' ? data.source : null, title: decodeEntities(data.title) };
}

/** POST /api/blog/preview: the rendered, server-sanitized HTML. */
export function parsePreview(data: unknown): { content: string } | undefined {
  return isRecord(data) && typeof data.content === 'string' ? { content: data.content } : undefined;
}

/** POST /api/blog/autosave: the post (a new draft when none was given) and when it was stored. */
export function parseAutosaved(data: unknown): { id: number; time: number | undefined } | undefined {
  if (!isRecord(data) || typeof data.id !== 'number') return undefined;
  return { id: data.id, time: typeof data.time === 'number' ? data.time : undefined };
}

/** For calls whose success carries no data we use (update, delete, login, logout). */
export function ignoreData(): null {
  return null;
}
