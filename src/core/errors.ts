/**
 * The one error catalogue. Every failure blog-server reports to a client is one of these codes, with
 * its HTTP status and the course's message. Business failures answer HTTP 200 with `errno: -1`, as
 * the course's clients expect; protocol failures answer with their real status (see API.md).
 * `src/http/envelope.ts` is the only place that turns them into responses.
 */
export const errorCatalogue = {
  SESSION_REQUIRED: { status: 200, message: '尚未登录' },
  LOGIN_FAILED: { status: 200, message: '登录失败' },
  BLOG_NOT_FOUND: { status: 200, message: '博客不存在' },
  BLOG_UPDATE_FAILED: { status: 200, message: '更新博客失败' },
  BLOG_DELETE_FAILED: { status: 200, message: '删除博客失败' },
  TITLE_REQUIRED: { status: 200, message: '标题不能为空' },
  TITLE_TOO_LONG: { status: 200, message: '标题过长' },
  CONTENT_TOO_LONG: { status: 200, message: '内容过长' },
  USERNAME_INVALID: { status: 200, message: '用户名不合法' },
  USERNAME_TAKEN: { status: 200, message: '用户名已存在' },
  USER_NOT_FOUND: { status: 200, message: '用户不存在' },
  PASSWORD_INVALID: { status: 200, message: '密码长度不合法' },
  OLD_PASSWORD_WRONG: { status: 200, message: '原密码错误' },
  REALNAME_INVALID: { status: 200, message: '真实姓名不合法' },
  STATUS_INVALID: { status: 200, message: '状态不合法' },
  FORMAT_INVALID: { status: 200, message: '格式不合法' },
  PUBLISHTIME_INVALID: { status: 200, message: '发布时间不合法' },
  REVISION_NOT_FOUND: { status: 200, message: '版本不存在' },
  INVALID_PARAMETER: { status: 400, message: '参数错误' },
  MALFORMED_BODY: { status: 400, message: '请求体格式错误' },
  MALFORMED_REQUEST: { status: 400, message: '请求格式错误' },
  CROSS_SITE_REQUEST: { status: 403, message: '跨站请求被拒绝' },
  ROUTE_NOT_FOUND: { status: 404, message: '接口不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '请求方法不允许' },
  REQUEST_TIMEOUT: { status: 408, message: '请求超时' },
  BODY_TOO_LARGE: { status: 413, message: '请求体过大' },
  TOO_MANY_LOGIN_ATTEMPTS: { status: 429, message: '登录失败次数过多，请稍后再试' },
  HEADERS_TOO_LARGE: { status: 431, message: '请求头过大' },
  INTERNAL_ERROR: { status: 500, message: '服务器内部错误' },
  SERVICE_UNAVAILABLE: { status: 503, message: '服务暂时不可用，请稍后再试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An expected failure, named by its catalogue code. `detail` refines the message for the client. */
export class BlogError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers the failure implies (`Allow`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, detail?: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    const entry = errorCatalogue[code];
    super(detail === undefined ? entry.message : `${entry.message}: ${detail}`, { cause: options?.cause });
    this.name = 'BlogError';
    this.code = code;
    this.status = entry.status;
    this.headers = options?.headers ?? {};
  }
}

/** A backend (database, session store, cache) failed or did not answer in time: clients see a 503. */
export function serviceUnavailable(cause: unknown): BlogError {
  return new BlogError('SERVICE_UNAVAILABLE', undefined, { cause });
}
