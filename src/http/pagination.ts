/** The list's paging headers: `X-Total-Count`, and a `Link` (RFC 8288) to the neighbouring pages. */
import type { Query } from './query.ts';

export interface PageInfo {
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The longest `Link` sent, in bytes (ASCII: the query is percent-encoded). It repeats the query up
 * to four times, so a long query would make it grow past what proxies take: nginx's
 * `proxy_buffer_size` (one 4 KiB page by default) holds all of an upstream answer's headers, and a
 * larger header is a 502; Node's fetch refuses headers over 16 KiB. Past this bound no `Link` is
 * sent; `X-Total-Count` still is.
 */
export const linkMaxBytes = 2048;

export function listHeaders(path: string, query: Query, { total, page, pageSize }: PageInfo): Record<string, string> {
  // One copy of the query for every link: only `page` changes between them (set keeps its place).
  const params = new URLSearchParams(query.toString());
  params.set('page', '1');
  params.set('pageSize', String(pageSize));
  const linkTo = (target: number, rel: string) => {
    params.set('page', String(target));
    return `<${path}?${params.toString()}>; rel="${rel}"`;
  };
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const links = [linkTo(1, 'first')];
  if (page > 1) links.push(linkTo(Math.min(page - 1, lastPage), 'prev'));
  if (page < lastPage) links.push(linkTo(page + 1, 'next'));
  links.push(linkTo(lastPage, 'last'));
  const link = links.join(', ');
  return link.length > linkMaxBytes ? { 'X-Total-Count': String(total) } : { 'X-Total-Count': String(total), Link: link };
}
