/**
 * The one route table. Every engine mounts exactly these routes; none adds its own. Each declares its
 * inputs, the errors it may answer and what a success carries (src/http/route.ts); its handler gets
 * validated input, calls the core and returns data.
 */
import type { Config } from '../config/config.ts';
import { defaults } from '../config/defaults.ts';
import { BlogError } from '../core/errors.ts';
import type { ClientInfo } from '../core/ports.ts';
import { field } from './inputs.ts';
import { defineRoute, type Method, type Route, type RouteInput, type RouteOutcome, type Services } from './route.ts';
import { FEED_SIZE, feedPaths, feedTypes, renderFeed, type FeedFormat } from './feeds.ts';
import { renderOpenApi } from './openapi.ts';
import { renderRobots, renderSitemap } from './sitemap.ts';
import { listHeaders } from './pagination.ts';
import { autosaveShape, blogListShape, blogShape, newBlogShape, previewShape, revisionListShape, revisionShape, sessionsEndedShape, userShape } from './shapes.ts';

export interface RouteOptions {
  /** Also accept the course's early `GET /api/user/login?username=&password=` (unsafe: passwords land in logs). */
  unsafeGetLogin: boolean;
  /** The core's text limits, for the description of the fields (the core enforces them). */
  titleMaxLength: number;
  contentMaxLength: number;
  /** URLs per sitemap file before it becomes an index (SITEMAP_PAGE_SIZE, at most the protocol's 50,000). */
  sitemapPageSize: number;
  /** For the API's description: the session cookie's name and the body limit. */
  cookieName: string;
  bodyLimitBytes: number;
}

/** The route options a configuration gives: the server's and the committed OpenAPI document's. */
export function routeOptionsOf(config: Config): RouteOptions {
  return {
    unsafeGetLogin: config.unsafeGetLogin,
    titleMaxLength: defaults.titleMaxLength,
    contentMaxLength: defaults.contentMaxLength,
    cookieName: config.session.cookieName,
    bodyLimitBytes: config.bodyLimitBytes,
    sitemapPageSize: config.sitemapPageSize,
  };
}

const either: readonly Method[] = ['GET', 'POST'];

const blogId = { id: field.id('the blog\'s id') };

function blogText(options: RouteOptions) {
  return {
    title: field.string('the title, trimmed; HTML is filtered', options.titleMaxLength),
    content: field.string('the content, HTML filtered by the XSS whitelist (ignored with format=markdown)', options.contentMaxLength),
    format: field.word('html (default) or markdown; an update without it makes the post HTML of `content`', ['html', 'markdown']),
    source: field.string('with format=markdown: the Markdown text, rendered to `content`', options.contentMaxLength),
  };
}

/** A post's text, status and publication time (docs/API.md, "Drafts, scheduled posts, Markdown"). */
function postFields(options: RouteOptions) {
  return {
    ...blogText(options),
    status: field.word('published (default for new) or draft; an update without it keeps the post\'s', ['published', 'draft']),
    publishtime: field.time('when a published post becomes public, ms since the epoch (ahead: scheduled); default now, an update keeps the post\'s'),
  };
}

const postErrors = ['TITLE_REQUIRED', 'TITLE_TOO_LONG', 'CONTENT_TOO_LONG', 'STATUS_INVALID', 'FORMAT_INVALID', 'PUBLISHTIME_INVALID'] as const;
const revisionOf = { ...blogId, revision: field.id('the revision\'s number (from /api/blog/revisions)') };

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
    isadmin: field.flag('only the logged-in user\'s own blogs, every status (needs a session)'),
    status: field.word('with isadmin=1 only: draft, scheduled (published, time ahead) or published (public now)', ['draft', 'scheduled', 'published']),
    page: field.integer('the page, from 1'),
    pageSize: field.integer('blogs per page; larger than LIST_MAX_SIZE is clamped'),
  },
  errors: ['SESSION_REQUIRED', 'STATUS_INVALID'],
  data: blogListShape,
  headers: {
    'X-Total-Count': 'the number of blogs matching the filters (anonymous and author=: public posts only)',
    Link: 'RFC 8288 links to the first, prev, next and last pages, keeping the filters',
  },
  async handle(input, { blogs }) {
    const { query } = input;
    const paging = { keyword: query.keyword, search: query.search, page: query.page, pageSize: query.pageSize };
    if (!query.isadmin && query.status !== undefined) throw new BlogError('INVALID_PARAMETER', 'status 只能与 isadmin=1 一起使用');
    const result = query.isadmin ? await blogs.listOwn(await input.requireUser(), { ...paging, status: query.status })
      : await blogs.list({ ...paging, author: query.author });
    return { data: result.blogs, headers: listHeaders(input.path, input.rawQuery, result) };
  },
});

const detail = defineRoute({
  methods: ['GET'],
  path: '/api/blog/detail',
  auth: 'none',
  summary: 'One public blog (a draft or a post not yet due: only to its author)',
  query: { ...blogId, isadmin: field.flag('only if it is the logged-in user\'s own, any status (needs a session)') },
  errors: ['BLOG_NOT_FOUND', 'SESSION_REQUIRED'],
  data: blogShape,
  async handle(input, { blogs }) {
    const { id, isadmin } = input.query;
    return { data: isadmin ? await blogs.detailOwn(id, await input.requireUser()) : await blogs.detail(id, () => input.user()) };
  },
});

function create(options: RouteOptions): Route {
  return defineRoute({
    methods: ['POST'],
    path: '/api/blog/new',
    auth: 'user',
    summary: 'Write a blog as the logged-in user (published now unless status or publishtime say otherwise)',
    body: postFields(options),
    errors: postErrors,
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
    summary: 'Change one of the logged-in user\'s blogs; the previous version is kept as a revision',
    query: blogId,
    body: postFields(options),
    errors: [...postErrors, 'BLOG_UPDATE_FAILED'],
    async handle(input, { blogs }) {
      await blogs.update(input.query.id, await input.requireUser(), input.body);
      return {};
    },
  });
}

/** Renders a text as a save would, saving nothing. */
function preview(options: RouteOptions): Route {
  return defineRoute({
    methods: ['POST'],
    path: '/api/blog/preview',
    auth: 'user',
    summary: 'The HTML a text would be saved as (Markdown rendered, everything filtered), without saving',
    body: blogText(options),
    errors: ['TITLE_TOO_LONG', 'CONTENT_TOO_LONG', 'FORMAT_INVALID'],
    data: previewShape,
    async handle(input, { blogs }) {
      await input.requireUser();
      return { data: blogs.preview(input.body) };
    },
  });
}

const revisions = defineRoute({
  methods: ['GET'],
  path: '/api/blog/revisions',
  auth: 'user',
  summary: 'The kept earlier versions of one of the logged-in user\'s blogs, newest first (at most REVISIONS_KEPT)',
  query: blogId,
  errors: ['BLOG_NOT_FOUND'],
  data: revisionListShape,
  async handle(input, { blogs }) {
    return { data: await blogs.revisions(input.query.id, await input.requireUser()) };
  },
});

const revision = defineRoute({
  methods: ['GET'],
  path: '/api/blog/revision',
  auth: 'user',
  summary: 'One kept version of one of the logged-in user\'s blogs, with its text',
  query: revisionOf,
  errors: ['BLOG_NOT_FOUND', 'REVISION_NOT_FOUND'],
  data: revisionShape,
  async handle(input, { blogs }) {
    return { data: await blogs.revision(input.query.id, await input.requireUser(), input.query.revision) };
  },
});

const restore = defineRoute({
  methods: ['POST'],
  path: '/api/blog/restore',
  auth: 'user',
  summary: 'Make a kept version current again (status and times stay); the replaced version is kept',
  query: revisionOf,
  errors: ['BLOG_NOT_FOUND', 'REVISION_NOT_FOUND'],
  async handle(input, { blogs }) {
    await blogs.restore(input.query.id, await input.requireUser(), input.query.revision);
    return {};
  },
});

function autosave(options: RouteOptions): Route {
  return defineRoute({
    methods: ['POST'],
    path: '/api/blog/autosave',
    auth: 'user',
    summary: 'Keep the editor\'s text as the post\'s pending autosave, publishing nothing; without id, create a draft',
    query: { id: field.integer('the post; absent: the first autosave of a new post creates it as a draft') },
    body: blogText(options),
    errors: ['BLOG_NOT_FOUND', 'TITLE_TOO_LONG', 'CONTENT_TOO_LONG', 'FORMAT_INVALID'],
    data: autosaveShape,
    async handle(input, { blogs }) {
      return { data: await blogs.autosave(input.query.id, await input.requireUser(), input.body) };
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

/** Who is asking, for the audit log. */
function clientOf(input: RouteInput): ClientInfo {
  return { address: input.clientAddress, userAgent: input.userAgent };
}

async function logIn(users: Services['users'], { username, password }: { username: string; password: string }, client: ClientInfo): Promise<RouteOutcome> {
  const user = await users.login({ username, password, client });
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
  handle: (input, { users }) => logIn(users, input.body, clientOf(input)),
});

/** The course's early cookie chapter logs in from the query: off unless UNSAFE_GET_LOGIN. */
const loginFromQuery = defineRoute({
  ...loginAnswers,
  methods: ['GET'],
  summary: 'Log in from the query (unsafe: passwords land in access logs; UNSAFE_GET_LOGIN)',
  query: credentials,
  handle: (input, { users }) => logIn(users, input.query, clientOf(input)),
});

/** `/api/user/logout` and the variant `/api/user/logOut`: the session ends on the server too. */
function logout(path: string): Route {
  return defineRoute({
    methods: either,
    path,
    auth: 'none',
    summary: 'Log out: the session ends on the server and the cookie is cleared',
    async handle(input, { users }) {
      const user = await input.user();
      if (user) users.loggedOut(user, clientOf(input));
      return { session: 'end' };
    },
  });
}

/** A logged-in user changes their password; every other session of theirs ends, this one stays. */
const changePassword = defineRoute({
  methods: ['POST'],
  path: '/api/user/password',
  auth: 'user',
  summary: 'Change the logged-in user\'s password; their other sessions end',
  body: {
    oldPassword: field.string('the current password (failures count as failed logins)'),
    newPassword: field.string('the new password'),
  },
  errors: ['OLD_PASSWORD_WRONG', 'PASSWORD_INVALID', 'TOO_MANY_LOGIN_ATTEMPTS'],
  data: sessionsEndedShape,
  async handle(input, { users }) {
    const user = await input.requireUser();
    const { oldPassword, newPassword } = input.body;
    const sessionsEnded = await users.changeOwnPassword({ user, oldPassword, newPassword, client: clientOf(input), keepSession: input.sessionCookie });
    return { data: { sessionsEnded } };
  },
});

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

/** `/feed.xml` (RSS 2.0) and `/atom.xml` (Atom 1.0): the newest public posts, or one author's. */
function feed(format: FeedFormat): Route {
  return defineRoute({
    methods: ['GET'],
    path: feedPaths[format],
    auth: 'none',
    summary: `The newest ${FEED_SIZE} posts as ${format === 'rss' ? 'RSS 2.0' : 'Atom 1.0'} (ETag, Last-Modified: a conditional GET answers 304)`,
    query: { author: field.text('only this author\'s posts (exact username)') },
    document: feedTypes[format],
    headers: { ETag: 'a hash of the feed', 'Last-Modified': 'when its newest post changed' },
    async handle(input, { blogs }) {
      const { author } = input.query;
      const { blogs: posts } = await blogs.publicPosts({ author, limit: FEED_SIZE });
      const { text, headers } = renderFeed(format, posts, { origin: input.origin(), author });
      return { document: text, headers };
    },
  });
}

/** `/sitemap.xml`: every public post and author page; an index of `?page=N` past SITEMAP_PAGE_SIZE URLs. */
function sitemap(pageSize: number): Route {
  return defineRoute({
    methods: ['GET'],
    path: '/sitemap.xml',
    auth: 'none',
    summary: 'The sitemap: the home page, every author page and every public post, with lastmod',
    query: { page: field.integer('one page of a sitemap index (past SITEMAP_PAGE_SIZE URLs)') },
    errors: ['ROUTE_NOT_FOUND'],
    document: 'application/xml; charset=utf-8',
    headers: { ETag: 'a hash of the document', 'Last-Modified': 'when its newest URL changed' },
    async handle(input, { blogs }) {
      const document = await renderSitemap(blogs, { origin: input.origin(), page: input.query.page, pageSize });
      if (document === undefined) throw new BlogError('ROUTE_NOT_FOUND', `sitemap page ${input.query.page ?? ''} does not exist`);
      return { document: document.text, headers: document.headers };
    },
  });
}

const robots = defineRoute({
  methods: ['GET'],
  path: '/robots.txt',
  auth: 'none',
  summary: 'robots.txt: the API and the pages behind a login are not for crawlers; where the sitemap is',
  document: 'text/plain; charset=utf-8',
  async handle(input) {
    return { document: renderRobots(input.origin()), headers: { 'Cache-Control': 'public, max-age=3600' } };
  },
});

/** The description of `routes` (this one included), made on the first request and kept. */
function openApi(routes: () => readonly Route[], options: RouteOptions): Route {
  let document: string | undefined;
  return defineRoute({
    methods: ['GET'],
    path: '/api/openapi.json',
    auth: 'none',
    summary: 'This API\'s OpenAPI 3.1 description, generated from the route table',
    document: 'application/json; charset=utf-8',
    async handle() {
      document ??= renderOpenApi(routes(), options);
      return { document, headers: { 'Cache-Control': 'no-cache' } };
    },
  });
}

export function apiRoutes(options: RouteOptions): Route[] {
  const routes: Route[] = [
    list,
    detail,
    create(options),
    update(options),
    remove('/api/blog/del'),
    remove('/api/blog/delete'),
    preview(options),
    revisions,
    revision,
    restore,
    autosave(options),
    login,
    ...(options.unsafeGetLogin ? [loginFromQuery] : []),
    logout('/api/user/logout'),
    logout('/api/user/logOut'),
    changePassword,
    info('/api/user/info', ['GET']),
    info('/api/user/loginCheck', either),
    info('/api/user/checkLogin', either),
    info('/api/user/login-test', either),
  ];
  routes.push(feed('rss'), feed('atom'), sitemap(options.sitemapPageSize), robots, openApi(() => routes, options));
  return routes;
}
