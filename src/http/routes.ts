/**
 * The one route table. Every engine mounts exactly these routes; none adds its own. Each declares its
 * inputs, the errors it may answer and what a success carries (src/http/route.ts); its handler gets
 * validated input, calls the core and returns data.
 */
import { field } from './inputs.ts';
import { defineRoute, type Method, type Route, type RouteOutcome, type Services } from './route.ts';
import { listHeaders } from './pagination.ts';
import { blogListShape, blogShape, newBlogShape, userShape } from './shapes.ts';

export interface RouteOptions {
  /** Also accept the course's early `GET /api/user/login?username=&password=` (unsafe: passwords land in logs). */
  unsafeGetLogin: boolean;
  /** The core's text limits, for the description of the fields (the core enforces them). */
  titleMaxLength: number;
  contentMaxLength: number;
}

const either: readonly Method[] = ['GET', 'POST'];

const blogId = { id: field.id('the blog\'s id') };

function blogText(options: RouteOptions) {
  return {
    title: field.string('the title, trimmed; HTML is filtered', options.titleMaxLength),
    content: field.string('the content, HTML filtered by the XSS whitelist', options.contentMaxLength),
  };
}

const credentials = {
  username: field.string('the username'),
  password: field.string('the password'),
};

const list = defineRoute({
  methods: ['GET'],
  path: '/api/blog/list',
  auth: 'none',
  summary: 'Blogs, newest first, a page at a time (X-Total-Count, Link)',
  query: {
    author: field.text('only this author\'s blogs (exact username)'),
    keyword: field.text('only blogs whose title contains this, case-insensitively'),
    search: field.text('words and "phrases" of the title or content; ranked, each result with an excerpt (docs/search.md)'),
    isadmin: field.flag('only the logged-in user\'s own blogs (needs a session)'),
    page: field.integer('the page, from 1'),
    pageSize: field.integer('blogs per page; larger than LIST_MAX_SIZE is clamped'),
  },
  errors: ['SESSION_REQUIRED'],
  data: blogListShape,
  async handle(input, { blogs }) {
    const { query } = input;
    const author = query.isadmin ? (await input.requireUser()).username : query.author;
    const result = await blogs.list({ author, keyword: query.keyword, search: query.search, page: query.page, pageSize: query.pageSize });
    return { data: result.blogs, headers: listHeaders(input.path, input.rawQuery, result) };
  },
});

const detail = defineRoute({
  methods: ['GET'],
  path: '/api/blog/detail',
  auth: 'none',
  summary: 'One blog',
  query: { ...blogId, isadmin: field.flag('only if it is the logged-in user\'s own (needs a session)') },
  errors: ['BLOG_NOT_FOUND', 'SESSION_REQUIRED'],
  data: blogShape,
  async handle(input, { blogs }) {
    const { id, isadmin } = input.query;
    return { data: isadmin ? await blogs.detailOwn(id, await input.requireUser()) : await blogs.detail(id) };
  },
});

function create(options: RouteOptions): Route {
  return defineRoute({
    methods: ['POST'],
    path: '/api/blog/new',
    auth: 'user',
    summary: 'Write a blog as the logged-in user',
    body: blogText(options),
    errors: ['TITLE_REQUIRED', 'TITLE_TOO_LONG', 'CONTENT_TOO_LONG'],
    data: newBlogShape,
    async handle(input, { blogs }) {
      return { data: await blogs.create(await input.requireUser(), input.body) };
    },
  });
}

function update(options: RouteOptions): Route {
  return defineRoute({
    methods: ['POST'],
    path: '/api/blog/update',
    auth: 'user',
    summary: 'Change one of the logged-in user\'s blogs',
    query: blogId,
    body: blogText(options),
    errors: ['TITLE_REQUIRED', 'TITLE_TOO_LONG', 'CONTENT_TOO_LONG', 'BLOG_UPDATE_FAILED'],
    async handle(input, { blogs }) {
      await blogs.update(input.query.id, await input.requireUser(), input.body);
      return {};
    },
  });
}

/** `/api/blog/del` as the course names it, `/api/blog/delete` as copies renamed it. */
function remove(path: string): Route {
  return defineRoute({
    methods: ['POST'],
    path,
    auth: 'user',
    summary: 'Delete one of the logged-in user\'s blogs',
    query: blogId,
    errors: ['BLOG_DELETE_FAILED'],
    async handle(input, { blogs }) {
      await blogs.remove(input.query.id, await input.requireUser());
      return {};
    },
  });
}

async function logIn(users: Services['users'], { username, password }: { username: string; password: string }, clientAddress: string): Promise<RouteOutcome> {
  const user = await users.login({ username, password, clientAddress });
  return { data: { username: user.username, realname: user.realname }, session: { start: user } };
}

const loginAnswers = {
  path: '/api/user/login',
  auth: 'none',
  errors: ['LOGIN_FAILED', 'TOO_MANY_LOGIN_ATTEMPTS'],
  data: userShape,
} as const;

const login = defineRoute({
  ...loginAnswers,
  methods: ['POST'],
  summary: 'Log in: a new session cookie',
  body: credentials,
  handle: (input, { users }) => logIn(users, input.body, input.clientAddress),
});

/** The course's early cookie chapter logs in from the query: off unless UNSAFE_GET_LOGIN. */
const loginFromQuery = defineRoute({
  ...loginAnswers,
  methods: ['GET'],
  summary: 'Log in from the query (unsafe: passwords land in access logs; UNSAFE_GET_LOGIN)',
  query: credentials,
  handle: (input, { users }) => logIn(users, input.query, input.clientAddress),
});

/** `/api/user/logout` and the variant `/api/user/logOut`: the session ends on the server too. */
function logout(path: string): Route {
  return defineRoute({
    methods: either,
    path,
    auth: 'none',
    summary: 'Log out: the session ends on the server and the cookie is cleared',
    async handle() {
      return { session: 'end' };
    },
  });
}

/** `/api/user/info` and the course copies' login checks, which answer the same. */
function info(path: string, methods: readonly Method[]): Route {
  return defineRoute({
    methods,
    path,
    auth: 'user',
    summary: 'The logged-in user',
    data: userShape,
    async handle(input) {
      const user = await input.requireUser();
      return { data: { username: user.username, realname: user.realname } };
    },
  });
}

export function apiRoutes(options: RouteOptions): Route[] {
  return [
    list,
    detail,
    create(options),
    update(options),
    remove('/api/blog/del'),
    remove('/api/blog/delete'),
    login,
    ...(options.unsafeGetLogin ? [loginFromQuery] : []),
    logout('/api/user/logout'),
    logout('/api/user/logOut'),
    info('/api/user/info', ['GET']),
    info('/api/user/loginCheck', either),
    info('/api/user/checkLogin', either),
    info('/api/user/login-test', either),
  ];
}
