// 首页: newest posts first, searchable by title and content (search=), paged. Old links with
// ?keyword= (titles only, the course's search) still work.
import { loadListInto, pagingFromLocation } from '../blog-list.ts';
import { byId } from '../dom.ts';

export async function startHome(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const search = (params.get('search') ?? '').trim();
  const keyword = search ? '' : (params.get('keyword') ?? '').trim();
  const shown = search || keyword;
  byId('search', HTMLInputElement).value = shown;
  if (shown) {
    byId('list-heading', HTMLElement).textContent = `搜索“${shown}”`;
    byId('clear-search', HTMLAnchorElement).hidden = false;
    document.title = `搜索“${shown}” - 博客`;
  }
  const emptyText = search ? `没有找到包含“${search}”的博客。` : keyword ? `没有标题包含“${keyword}”的博客。` : '还没有博客。';
  await loadListInto(
    { list: byId('blog-list', HTMLElement), pager: byId('pager', HTMLElement), status: byId('list-status', HTMLElement) },
    { ...(search ? { search } : { keyword }), ...pagingFromLocation(params) },
    { showAuthor: true, showExcerpt: true, emptyText },
  );
}
