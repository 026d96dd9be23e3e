// The list of posts shared by the home, author and admin pages, with paging through
// `page`/`pageSize` and the X-Total-Count and Link headers of /api/blog/list.
import { callApi, parseBlogList } from './api.ts';
import type { Blog, Excerpt } from './api.ts';
import { el, positiveInt, showMessage } from './dom.ts';
import { formatDate, isoDate, localDateTime } from './format.ts';
import { postState, STATE_LABELS } from './post-status.ts';
import type { PostState } from './post-status.ts';
import { plainText } from './sanitize.ts';

export const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 50;
const EXCERPT_LENGTH = 120;

export interface ListQuery {
  author?: string;
  keyword?: string;
  /** Titles and content (search=): results ranked, each with an excerpt. */
  search?: string;
  isadmin?: boolean;
  /** With isadmin only: draft, scheduled, or published (public now). */
  status?: PostState;
  page: number;
  pageSize: number;
}

export interface Paging {
  page: number;
  /** Unknown when the server sends no X-Total-Count. */
  totalCount: number | undefined;
  totalPages: number | undefined;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** page and pageSize from this page's address (?page=2&pageSize=20). */
export function pagingFromLocation(params: URLSearchParams): { page: number; pageSize: number } {
  return {
    page: positiveInt(params.get('page'), 1),
    pageSize: Math.min(positiveInt(params.get('pageSize'), DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE),
  };
}

/** The relations of an RFC 8288 Link header, e.g. `<...?page=3>; rel="next"` gives next. */
export function linkRelations(header: string | null): Set<string> {
  const relations = new Set<string>();
  if (!header) return relations;
  for (const match of header.matchAll(/;\s*rel="?([^";,]+)"?/g)) {
    for (const relation of (match[1] ?? '').split(/\s+/)) relations.add(relation.toLowerCase());
  }
  return relations;
}

function pagingFrom(headers: Headers, query: ListQuery, received: number): Paging {
  const totalHeader = headers.get('X-Total-Count');
  const totalCount = totalHeader !== null && /^\d+$/.test(totalHeader) ? Number(totalHeader) : undefined;
  const totalPages = totalCount === undefined ? undefined : Math.max(1, Math.ceil(totalCount / query.pageSize));
  const relations = linkRelations(headers.get('Link'));
  // Link says it directly; without it, fall back on the total, then on a full page meaning "maybe more".
  const hasNext = relations.has('next')
    || (totalPages !== undefined ? query.page < totalPages : received === query.pageSize);
  const hasPrevious = relations.has('prev') || relations.has('previous') || query.page > 1;
  return { page: query.page, totalCount, totalPages, hasPrevious, hasNext };
}

/** One page of /api/blog/list, with what its headers say about the other pages. */
export async function fetchBlogs(query: ListQuery) {
  const params = new URLSearchParams();
  if (query.author) params.set('author', query.author);
  if (query.keyword) params.set('keyword', query.keyword);
  if (query.search) params.set('search', query.search);
  if (query.isadmin) params.set('isadmin', '1');
  if (query.status) params.set('status', query.status);
  params.set('page', String(query.page));
  params.set('pageSize', String(query.pageSize));
  const result = await callApi(`/api/blog/list?${params.toString()}`, parseBlogList);
  if (!result.ok) return result;
  return { ok: true as const, blogs: result.data, paging: pagingFrom(result.headers, query, result.data.length) };
}

/** The path of a post's detail page. */
export function detailUrl(id: number): string {
  return `/detail.html?id=${id}`;
}

/** The path of an author's page. */
export function authorUrl(author: string): string {
  return `/author.html?author=${encodeURIComponent(author)}`;
}

/** 草稿, 已发布, or 定时 with the local time it becomes public (for the author's own lists). */
export function stateBadge(blog: Blog): HTMLElement {
  const state = postState(blog);
  const text = state === 'scheduled' && typeof blog.publishtime === 'number'
    ? `${STATE_LABELS.scheduled} ${localDateTime(blog.publishtime)}`
    : STATE_LABELS[state];
  return el('span', { className: 'badge', text, attrs: { 'data-state': state } });
}

/** The "author · date" line under a title, and the post's status when asked for. */
export function blogMeta(blog: Blog, showAuthor: boolean, showState = false): HTMLElement {
  const time = el('time', { text: formatDate(blog.createtime), attrs: { datetime: isoDate(blog.createtime) } });
  const parts: Node[] = [];
  const separator = (): HTMLElement => el('span', { className: 'separator', text: '·', attrs: { 'aria-hidden': 'true' } });
  if (showAuthor) {
    parts.push(el('a', { className: 'author', text: blog.author, attrs: { href: authorUrl(blog.author) } }));
    parts.push(separator());
  }
  parts.push(time);
  if (showState) parts.push(separator(), stateBadge(blog));
  return el('p', { className: 'meta' }, parts);
}

/** The excerpt's text with each match in a <mark>: text nodes only, never HTML from the post. */
export function highlighted(excerpt: Excerpt): Node[] {
  const nodes: Node[] = [];
  let at = 0;
  for (const [start, end] of excerpt.matches) {
    if (start > at) nodes.push(document.createTextNode(excerpt.text.slice(at, start)));
    nodes.push(el('mark', { text: excerpt.text.slice(start, end) }));
    at = end;
  }
  if (at < excerpt.text.length) nodes.push(document.createTextNode(excerpt.text.slice(at)));
  return nodes;
}

interface RenderOptions {
  showAuthor: boolean;
  showExcerpt: boolean;
  /** 草稿 / 定时 / 已发布 in the meta line (the admin page). */
  showState?: boolean;
  /** Extra controls per post (edit and delete on the admin page). */
  actions?: (blog: Blog) => Node[];
}

/** Fills the list with one item per post: title linking to the detail, meta line, extras. */
export function renderBlogItems(list: HTMLElement, blogs: readonly Blog[], options: RenderOptions): void {
  list.replaceChildren(...blogs.map((blog) => {
    const { excerpt } = blog;
    // A title hit is marked in the title itself, when the excerpt is that very title.
    const titleNodes = excerpt?.field === 'title' && excerpt.text === blog.title ? highlighted(excerpt) : [document.createTextNode(blog.title)];
    const heading = el('h2', { className: 'post-title' }, [
      el('a', { attrs: { href: detailUrl(blog.id) } }, titleNodes),
    ]);
    const children: Node[] = [heading, blogMeta(blog, options.showAuthor, options.showState)];
    if (options.showExcerpt && excerpt?.field === 'content') {
      children.push(el('p', { className: 'excerpt' }, highlighted(excerpt)));
    } else if (options.showExcerpt) {
      const text = plainText(blog.content);
      const excerpt = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
      if (excerpt) children.push(el('p', { className: 'excerpt', text: excerpt }));
    }
    if (options.actions) children.push(el('div', { className: 'actions' }, options.actions(blog)));
    return el('li', { className: 'post', attrs: { 'data-id': String(blog.id) } }, children);
  }));
}

/** 上一页 / 第 2 页，共 5 页 / 下一页, as plain links so the back button and new tabs work. */
export function renderPager(nav: HTMLElement, paging: Paging): void {
  const linkTo = (page: number): string => {
    const url = new URL(window.location.href);
    if (page === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(page));
    return url.pathname + url.search;
  };
  if (!paging.hasPrevious && !paging.hasNext) {
    nav.replaceChildren();
    nav.hidden = true;
    return;
  }
  const position = paging.totalPages === undefined
    ? `第 ${paging.page} 页`
    : `第 ${paging.page} 页，共 ${paging.totalPages} 页`;
  nav.replaceChildren(
    paging.hasPrevious
      ? el('a', { className: 'button', text: '上一页', attrs: { href: linkTo(paging.page - 1), rel: 'prev' } })
      : el('span'),
    el('span', { className: 'position', text: position, attrs: { 'aria-current': 'page' } }),
    paging.hasNext
      ? el('a', { className: 'button', text: '下一页', attrs: { href: linkTo(paging.page + 1), rel: 'next' } })
      : el('span'),
  );
  nav.hidden = false;
}

interface ListPageElements {
  list: HTMLElement;
  pager: HTMLElement;
  status: HTMLElement;
}

/**
 * Loads one page of posts into the list, or a message when there are none or the call failed.
 * Returns the posts (the admin page needs them) or undefined on failure.
 */
export async function loadListInto(
  elements: ListPageElements,
  query: ListQuery,
  options: RenderOptions & { emptyText: string },
): Promise<Blog[] | undefined> {
  elements.list.setAttribute('aria-busy', 'true');
  const result = await fetchBlogs(query);
  elements.list.removeAttribute('aria-busy');
  if (!result.ok) {
    elements.list.replaceChildren();
    showMessage(elements.status, result.message);
    elements.status.dataset.kind = 'error';
    return undefined;
  }
  renderBlogItems(elements.list, result.blogs, options);
  renderPager(elements.pager, result.paging);
  elements.status.dataset.kind = 'info';
  if (result.blogs.length === 0) {
    showMessage(elements.status, query.page > 1 ? '这一页没有博客了。' : options.emptyText);
  } else if (result.paging.totalCount !== undefined) {
    showMessage(elements.status, `共 ${result.paging.totalCount} 篇`);
  } else {
    showMessage(elements.status, '');
  }
  return result.blogs;
}
