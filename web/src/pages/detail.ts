// 博客详情: title, author (linking to the author page), date and content of one post.
import { callApi, parseBlog } from '../api.ts';
import { blogMeta } from '../blog-list.ts';
import { byId, el, positiveInt, showMessage } from '../dom.ts';
import { renderContent } from '../sanitize.ts';
import { currentUser } from '../session.ts';

export async function startDetail(): Promise<void> {
  const id = positiveInt(new URLSearchParams(window.location.search).get('id'), 0);
  const title = byId('post-title', HTMLElement);
  const status = byId('post-status', HTMLElement);
  const article = byId('post', HTMLElement);
  if (id === 0) {
    title.textContent = '找不到这篇博客';
    showMessage(status, '地址里的博客编号不正确。');
    article.removeAttribute('aria-busy');
    return;
  }
  const result = await callApi(`/api/blog/detail?id=${id}`, parseBlog);
  article.removeAttribute('aria-busy');
  if (!result.ok) {
    title.textContent = '找不到这篇博客';
    showMessage(status, result.message);
    return;
  }
  const blog = result.data;
  title.textContent = blog.title;
  document.title = `${blog.title} - 博客`;
  byId('post-meta', HTMLElement).replaceWith(blogMeta(blog, true));
  byId('post-content', HTMLElement).replaceChildren(renderContent(blog.content));

  const user = await currentUser();
  if (user?.username === blog.author) {
    const actions = byId('post-actions', HTMLElement);
    actions.replaceChildren(el('a', { className: 'button', text: '编辑', attrs: { href: `/edit.html?id=${blog.id}` } }));
    actions.hidden = false;
  }
}
