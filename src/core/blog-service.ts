/** Blogs: list, read, write, with ownership, drafts, schedules, Markdown and revisions. Knows nothing of HTTP or SQL. */
import { BlogError } from './errors.ts';
import { renderMarkdown } from './markdown.ts';
import type { Blog, BlogFilter, BlogFormat, BlogRepository, BlogStatus, PostText, Revision, RevisionPolicy, RevisionSummary, StatusFilter } from './ports.ts';
import { sanitizeHtml } from './sanitize.ts';
import { excerptOf, parseSearch, type Excerpt } from './search-text.ts';
import type { SessionUser } from './session-user.ts';
import { validateBlogText, type TextLimits } from './validation.ts';

export interface BlogServiceOptions extends TextLimits {
  listDefaultPageSize: number;
  listMaxPageSize: number;
  /** Revisions kept per post (REVISIONS_KEPT). */
  revisionsKept: number;
  now?: () => number;
}

export interface ListQuery {
  author?: string | undefined;
  keyword?: string | undefined;
  /** Full text of titles and content: results ranked, each with an excerpt. */
  search?: string | undefined;
  /** 1-based; absent means the first page. */
  page?: number | undefined;
  /** Absent means the configured default; larger than the maximum is clamped. */
  pageSize?: number | undefined;
}

/** The logged-in author's own list: every status, or one of them. */
export interface OwnListQuery extends Omit<ListQuery, 'author'> {
  status?: string | undefined;
}

/** A listed blog; `search` results also carry the excerpt around their first match. */
export type ListedBlog = Blog & { excerpt?: Excerpt };

export interface ListResult {
  blogs: ListedBlog[];
  total: number;
  page: number;
  pageSize: number;
}

/** A post's text as a client sends it; without `format` it is HTML, as the course's. */
export interface BlogText {
  title: string;
  content: string;
  format?: string | undefined;
  /** The Markdown text when `format` is 'markdown' (then `content` is ignored). */
  source?: string | undefined;
}

/** What a client sends to write a post: its text and, optionally, its status and publication time. */
export interface BlogInput extends BlogText {
  status?: string | undefined;
  publishtime?: number | undefined;
}

/** The latest time `publishtime` may name: the end of year 9999, as every database stores it. */
const latestPublishtime = 253_402_300_799_999;

const statusFilters: readonly StatusFilter[] = ['draft', 'scheduled', 'published'];

function statusOf(value: string | undefined): BlogStatus | undefined {
  if (value === undefined) return undefined;
  if (value === 'published' || value === 'draft') return value;
  throw new BlogError('STATUS_INVALID', 'status 只能是 published 或 draft');
}

function formatOf(value: string | undefined): BlogFormat | undefined {
  if (value === undefined) return undefined;
  if (value === 'html' || value === 'markdown') return value;
  throw new BlogError('FORMAT_INVALID', 'format 只能是 html 或 markdown');
}

function publishtimeOf(value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0 || value > latestPublishtime)) {
    throw new BlogError('PUBLISHTIME_INVALID', '必须是自 1970 年起的毫秒数');
  }
  return value;
}

export class BlogService {
  readonly #blogs: BlogRepository;
  readonly #options: BlogServiceOptions;
  readonly #now: () => number;

  constructor(blogs: BlogRepository, options: BlogServiceOptions) {
    this.#blogs = blogs;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The public posts, newest first (`createtime DESC, id DESC`); empty filters do not filter. */
  async list(query: ListQuery): Promise<ListResult> {
    return this.#list(query, { ...(query.author ? { author: query.author } : {}), visibleAt: this.#now() });
  }

  /** All of `user`'s own posts, each with its status; `status` keeps drafts, scheduled or public ones. */
  async listOwn(user: SessionUser, query: OwnListQuery): Promise<ListResult> {
    const state = query.status === undefined ? undefined : statusFilters.find((candidate) => candidate === query.status);
    if (query.status !== undefined && state === undefined) throw new BlogError('STATUS_INVALID', 'status 只能是 draft、scheduled 或 published');
    return this.#list(query, { author: user.username, ...(state === undefined ? {} : { status: { state, at: this.#now() } }) });
  }

  async #list(query: ListQuery, base: BlogFilter): Promise<ListResult> {
    const page = query.page ?? 1;
    const pageSize = Math.min(query.pageSize ?? this.#options.listDefaultPageSize, this.#options.listMaxPageSize);
    const filter: BlogFilter = {
      ...base,
      ...(query.keyword ? { keyword: query.keyword } : {}),
      ...(query.search ? { search: query.search } : {}),
    };
    const { blogs, total } = await this.#blogs.list(filter, pageSize, (page - 1) * pageSize);
    if (!query.search) return { blogs, total, page, pageSize };
    const { pieces } = parseSearch(query.search);
    return { blogs: blogs.map((blog) => ({ ...blog, excerpt: excerptOf(blog.title, blog.content, pieces) })), total, page, pageSize };
  }

  /**
   * The public posts, newest first: what feeds and the sitemap show. The one place that says which
   * posts are public, so feeds and sitemap change together.
   */
  async publicPosts(query: { author?: string | undefined; limit: number; offset?: number }): Promise<{ blogs: Blog[]; total: number }> {
    const filter = { ...(query.author ? { author: query.author } : {}), visibleAt: this.#now() };
    return this.#blogs.list(filter, query.limit, query.offset ?? 0);
  }

  /**
   * One public post. A draft or a post not yet due answers as missing, except to its author: only
   * then is `viewer` (the session) asked, so reading a public post reads no session.
   */
  async detail(id: number, viewer: () => Promise<SessionUser | null>): Promise<Blog> {
    const blog = await this.#blogs.findById(id);
    if (!blog) throw new BlogError('BLOG_NOT_FOUND');
    if (this.#isPublic(blog)) return blog;
    const user = await viewer();
    if (user?.username !== blog.author) throw new BlogError('BLOG_NOT_FOUND');
    return blog;
  }

  /** The detail of one of `user`'s own blogs, any status; someone else's answers as not found. */
  async detailOwn(id: number, user: SessionUser): Promise<Blog> {
    const blog = await this.#blogs.findById(id);
    if (!blog || blog.author !== user.username) throw new BlogError('BLOG_NOT_FOUND');
    return blog;
  }

  /** Without status and publishtime: published now, as the course. */
  async create(user: SessionUser, input: BlogInput): Promise<{ id: number }> {
    const text = this.#text(input);
    const status = statusOf(input.status) ?? 'published';
    const publishtime = publishtimeOf(input.publishtime);
    const createtime = status === 'published' ? publishtime ?? this.#now() : this.#now();
    const id = await this.#blogs.insert({ ...text, author: user.username, createtime, status });
    return { id };
  }

  /**
   * Saves a new version, keeping the previous one as a revision. Absent status and publishtime keep
   * the post's; publishing a draft without publishtime publishes it now. Without `format` the post
   * becomes an HTML post of the `content` sent: a course client editing a Markdown post sends back the
   * HTML it was shown, and the Markdown stays in the revision.
   */
  async update(id: number, user: SessionUser, input: BlogInput): Promise<void> {
    const text = this.#text(input);
    const status = statusOf(input.status);
    const publishtime = publishtimeOf(input.publishtime);
    const now = this.#now();
    const changed = await this.#blogs.updateOwn(id, user.username, (current) => {
      const next = status ?? current.status;
      const createtime = next === 'draft' ? current.createtime
        : publishtime ?? (current.status === 'draft' ? now : current.createtime);
      return { ...text, status: next, createtime, updatetime: now };
    }, this.#policy(now));
    if (!changed) throw new BlogError('BLOG_UPDATE_FAILED');
  }

  async remove(id: number, user: SessionUser): Promise<void> {
    const deleted = await this.#blogs.deleteOwn(id, user.username);
    if (!deleted) throw new BlogError('BLOG_DELETE_FAILED');
  }

  /** The HTML a text would be saved as, without saving: the same checks and rendering as a save. */
  preview(input: BlogText): { content: string } {
    return { content: this.#text(input, 'allowed').content };
  }

  async revisions(id: number, user: SessionUser): Promise<RevisionSummary[]> {
    const revisions = await this.#blogs.revisionsOwn(id, user.username);
    if (!revisions) throw new BlogError('BLOG_NOT_FOUND');
    return revisions;
  }

  async revision(id: number, user: SessionUser, revision: number): Promise<Revision> {
    const found = await this.#blogs.revisionOwn(id, user.username, revision);
    if (!found.own) throw new BlogError('BLOG_NOT_FOUND');
    if (!found.revision) throw new BlogError('REVISION_NOT_FOUND');
    return found.revision;
  }

  /** Makes a revision the post's text again; status and times stay, the replaced text is kept. */
  async restore(id: number, user: SessionUser, revision: number): Promise<void> {
    const outcome = await this.#blogs.restoreOwn(id, user.username, revision, this.#policy(this.#now()));
    if (outcome === 'not-own') throw new BlogError('BLOG_NOT_FOUND');
    if (outcome === 'no-revision') throw new BlogError('REVISION_NOT_FOUND');
  }

  /**
   * Keeps what the editor holds as the post's pending autosave, publishing nothing. Without `id`, the
   * first autosave of a new post creates it as a draft.
   */
  async autosave(id: number | undefined, user: SessionUser, input: BlogText): Promise<{ id: number; revision: number; time: number }> {
    const text = this.#text(input, 'allowed');
    const time = this.#now();
    if (id === undefined) {
      const created = await this.#blogs.insertAutosaved({ ...text, author: user.username, createtime: time, status: 'draft' }, this.#policy(time));
      return { ...created, time };
    }
    const saved = await this.#blogs.autosaveOwn(id, user.username, text, this.#policy(time));
    if (!saved) throw new BlogError('BLOG_NOT_FOUND');
    return { id, revision: saved.revision, time };
  }

  #isPublic(blog: Blog): boolean {
    return blog.status === 'published' && blog.createtime <= this.#now();
  }

  #policy(time: number): RevisionPolicy {
    return { time, kept: this.#options.revisionsKept };
  }

  /**
   * The text as stored: title and HTML filtered; a Markdown source rendered, then filtered. An
   * autosave or a preview may have no title yet (`untitled`); a save needs one.
   */
  #text(input: BlogText, untitled: 'refused' | 'allowed' = 'refused'): PostText {
    const format = formatOf(input.format) ?? 'html';
    const source = format === 'markdown' ? input.source ?? '' : null;
    const noTitle = untitled === 'allowed' && input.title.trim() === '';
    const valid = validateBlogText({ title: noTitle ? '-' : input.title, content: source ?? input.content }, this.#options);
    const title = noTitle ? '' : sanitizeHtml(valid.title);
    return source === null ? { title, content: sanitizeHtml(valid.content), format, source } : { title, content: renderMarkdown(source), format, source };
  }
}
