// 作者主页: one author's posts (/author.html?author=zhangsan), searchable within them (&search=).
import { loadListInto, pagingFromLocation } from '../blog-list.ts';
import { byId, showMessage } from '../dom.ts';

export async function startAuthor(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const author = (params.get('author') ?? '').trim();
  const status = byId('list-status', HTMLElement);
  const heading = byId('page-heading', HTMLElement);
  if (!author) {
    heading.textContent = '找不到作者';
    status.dataset.kind = 'error';
    showMessage(status, '地址里没有作者名。');
    return;
  }
  const search = (params.get('search') ?? '').trim();
  const form = byId('author-search', HTMLFormElement);
  form.hidden = false;
  byId('search-author', HTMLInputElement).value = author;
  byId('search', HTMLInputElement).value = search;
  heading.textContent = search ? `${author} 的博客：搜索“${search}”` : `${author} 的博客`;
  document.title = `${heading.textContent} - 博客`;
  await loadListInto(
    { list: byId('blog-list', HTMLElement), pager: byId('pager', HTMLElement), status },
    { author, ...(search ? { search } : {}), ...pagingFromLocation(params) },
    { showAuthor: false, showExcerpt: true, emptyText: search ? `${author} 的博客里没有找到“${search}”。` : `${author} 还没有写博客。` },
  );
}
