/** The list's paging headers: `X-Total-Count`, and a `Link` (RFC 8288) to the neighbouring pages. */
import type { Query } from './query.ts';

export interface PageInfo {
  total: number;
  page: number;
  pageSize: number;
}

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
  return { 'X-Total-Count': String(total), Link: links.join(', ') };
}
