/**
 * The one route table. Every engine mounts exactly these routes; none adds its own. A handler reads
 * its inputs from the request context, calls the core and returns data: it never sees a framework.
 */
import type { BlogService } from '../core/blog-service.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { UserService } from '../core/user-service.ts';
import { optionalPositiveInteger, optionalText, queryFields, requiredId, stringField, type Fields } from './fields.ts';
import { listHeaders } from './pagination.ts';
import type { Query } from './query.ts';

export type Method = 'GET' | 'POST';

/** `user`: the login check runs first and answers `尚未登录` without a session. */
export type Auth = 'none' | 'user';

export interface RouteContext {
  readonly path: string;
  readonly query: Query;
  readonly body: Fields;
  readonly clientAddress: string;
  /** The session's user, read from the store on first call; null when anonymous. */
  user(): Promise<SessionUser | null>;
  /** The session's user, or SESSION_REQUIRED. */
  requireUser(): Promise<SessionUser>;
}

export interface RouteOutcome {
  data?: unknown;
  headers?: Record<string, string>;
  /** Start a new session for this user (a new id: no fixation), or end the current one. */
  session?: { start: SessionUser } | 'end';
}

export interface Services {
  blogs: BlogService;
  users: UserService;
}

export interface Route {
  readonly methods: readonly Method[];
  readonly path: string;
  readonly auth: Auth;
  handle(context: RouteContext, services: Services): Promise<RouteOutcome>;
}

export interface RouteOptions {
  /** Also accept the course's early `GET /api/user/login?username=&password=` (unsafe: passwords land in logs). */
  unsafeGetLogin: boolean;
}

const blogList: Route['handle'] = async (context, { blogs }) => {
  // `isadmin` is on for any non-empty value, as the course's `if (req.query.isadmin)`.
  const admin = optionalText(context.query, 'isadmin') !== undefined;
  const author = admin ? (await context.requireUser()).username : optionalText(context.query, 'author');
  const result = await blogs.list({
    author,
    keyword: optionalText(context.query, 'keyword'),
    page: optionalPositiveInteger(context.query, 'page'),
    pageSize: optionalPositiveInteger(context.query, 'pageSize'),
  });
  return { data: result.blogs, headers: listHeaders(context.path, context.query, result) };
};

const blogDetail: Route['handle'] = async (context, { blogs }) => {
  const id = requiredId(context.query);
  if (optionalText(context.query, 'isadmin') !== undefined) return { data: await blogs.detailOwn(id, await context.requireUser()) };
  return { data: await blogs.detail(id) };
};

const blogNew: Route['handle'] = async (context, { blogs }) => {
  const user = await context.requireUser();
  return { data: await blogs.create(user, { title: stringField(context.body, 'title'), content: stringField(context.body, 'content') }) };
};

const blogUpdate: Route['handle'] = async (context, { blogs }) => {
  const user = await context.requireUser();
  await blogs.update(requiredId(context.query), user, { title: stringField(context.body, 'title'), content: stringField(context.body, 'content') });
  return {};
};

const blogDelete: Route['handle'] = async (context, { blogs }) => {
  const user = await context.requireUser();
  await blogs.remove(requiredId(context.query), user);
  return {};
};

/** Login reads the body, or the query for the opt-in GET variant. */
const userLogin: Route['handle'] = async (context, { users }) => {
  const source = Object.keys(context.body).length > 0 ? context.body : queryFields(context.query);
  const user = await users.login({
    username: stringField(source, 'username'),
    password: stringField(source, 'password'),
    clientAddress: context.clientAddress,
  });
  return { data: { username: user.username, realname: user.realname }, session: { start: user } };
};

const userLogout: Route['handle'] = async () => ({ session: 'end' });

const userInfo: Route['handle'] = async (context) => {
  const user = await context.requireUser();
  return { data: { username: user.username, realname: user.realname } };
};

export function apiRoutes(options: RouteOptions): Route[] {
  const either: readonly Method[] = ['GET', 'POST'];
  return [
    { methods: ['GET'], path: '/api/blog/list', auth: 'none', handle: blogList },
    { methods: ['GET'], path: '/api/blog/detail', auth: 'none', handle: blogDetail },
    { methods: ['POST'], path: '/api/blog/new', auth: 'user', handle: blogNew },
    { methods: ['POST'], path: '/api/blog/update', auth: 'user', handle: blogUpdate },
    { methods: ['POST'], path: '/api/blog/del', auth: 'user', handle: blogDelete },
    { methods: ['POST'], path: '/api/blog/delete', auth: 'user', handle: blogDelete },
    { methods: options.unsafeGetLogin ? either : ['POST'], path: '/api/user/login', auth: 'none', handle: userLogin },
    { methods: either, path: '/api/user/logout', auth: 'none', handle: userLogout },
    { methods: either, path: '/api/user/logOut', auth: 'none', handle: userLogout },
    { methods: ['GET'], path: '/api/user/info', auth: 'user', handle: userInfo },
    { methods: either, path: '/api/user/loginCheck', auth: 'user', handle: userInfo },
    { methods: either, path: '/api/user/checkLogin', auth: 'user', handle: userInfo },
    { methods: either, path: '/api/user/login-test', auth: 'user', handle: userInfo },
  ];
}
