// 作者主页: one author's posts (/author.html?author=zhangsan).
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
  heading.textContent = `${author} 的博客`;
  document.title = `${author} 的博客 - 博客`;
  await loadListInto(
    { list: byId('blog-list', HTMLElement), pager: byId('pager', HTMLElement), status },
    { author, ...pagingFromLocation(params) },
    { showAuthor: false, showExcerpt: true, emptyText: `${author} 还没有写博客。` },
  );
}
