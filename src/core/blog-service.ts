/** Blogs: list, read, write, with ownership. Knows nothing of HTTP or SQL. */
import { BlogError } from './errors.ts';
import type { Blog, BlogRepository } from './ports.ts';
import { sanitizeHtml } from './sanitize.ts';
import { excerptOf, parseSearch, type Excerpt } from './search-text.ts';
import type { SessionUser } from './session-user.ts';
import { validateBlogText, type TextLimits } from './validation.ts';

export interface BlogServiceOptions extends TextLimits {
  listDefaultPageSize: number;
  listMaxPageSize: number;
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

/** A listed blog; `search` results also carry the excerpt around their first match. */
export type ListedBlog = Blog & { excerpt?: Excerpt };

export interface ListResult {
  blogs: ListedBlog[];
  total: number;
  page: number;
  pageSize: number;
}

export interface BlogText {
  title: string;
  content: string;
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

  /** Newest first (`createtime DESC, id DESC`); empty filters do not filter. */
  async list(query: ListQuery): Promise<ListResult> {
    const page = query.page ?? 1;
    const pageSize = Math.min(query.pageSize ?? this.#options.listDefaultPageSize, this.#options.listMaxPageSize);
    const filter = {
      ...(query.author ? { author: query.author } : {}),
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
   * posts are public (all of them until drafts exist), so feeds and sitemap change together.
   */
  async publicPosts(query: { author?: string | undefined; limit: number; offset?: number }): Promise<{ blogs: Blog[]; total: number }> {
    const filter = query.author ? { author: query.author } : {};
    return this.#blogs.list(filter, query.limit, query.offset ?? 0);
  }

  async detail(id: number): Promise<Blog> {
    const blog = await this.#blogs.findById(id);
    if (!blog) throw new BlogError('BLOG_NOT_FOUND');
    return blog;
  }

  /** The detail of one of `user`'s own blogs; someone else's answers as not found. */
  async detailOwn(id: number, user: SessionUser): Promise<Blog> {
    const blog = await this.#blogs.findById(id);
    if (!blog || blog.author !== user.username) throw new BlogError('BLOG_NOT_FOUND');
    return blog;
  }

  async create(user: SessionUser, text: BlogText): Promise<{ id: number }> {
    const { title, content } = this.#clean(text);
    const id = await this.#blogs.insert({ title, content, author: user.username, createtime: this.#now() });
    return { id };
  }

  async update(id: number, user: SessionUser, text: BlogText): Promise<void> {
    const { title, content } = this.#clean(text);
    const changed = await this.#blogs.updateOwn(id, user.username, { title, content, updatetime: this.#now() });
    if (!changed) throw new BlogError('BLOG_UPDATE_FAILED');
  }

  async remove(id: number, user: SessionUser): Promise<void> {
    const deleted = await this.#blogs.deleteOwn(id, user.username);
    if (!deleted) throw new BlogError('BLOG_DELETE_FAILED');
  }

  #clean(text: BlogText): BlogText {
    const valid = validateBlogText(text, this.#options);
    return { title: sanitizeHtml(valid.title), content: sanitizeHtml(valid.content) };
  }
}
