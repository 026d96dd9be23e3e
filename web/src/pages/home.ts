// 首页: newest posts first, searchable by title, paged.
import { loadListInto, pagingFromLocation } from '../blog-list.ts';
import { byId } from '../dom.ts';

export async function startHome(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const keyword = (params.get('keyword') ?? '').trim();
  byId('keyword', HTMLInputElement).value = keyword;
  if (keyword) {
    byId('list-heading', HTMLElement).textContent = `搜索“${keyword}”`;
    byId('clear-search', HTMLAnchorElement).hidden = false;
    document.title = `搜索“${keyword}” - 博客`;
  }
  await loadListInto(
    { list: byId('blog-list', HTMLElement), pager: byId('pager', HTMLElement), status: byId('list-status', HTMLElement) },
    { keyword, ...pagingFromLocation(params) },
    {
      showAuthor: true,
      showExcerpt: true,
      emptyText: keyword ? `没有标题包含“${keyword}”的博客。` : '还没有博客。',
    },
  );
}
