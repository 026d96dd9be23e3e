// 博客详情: title, author (linking to the author page), date and content of one post.
import { callApi, parseBlog } from '../api.ts';
import { blogMeta } from '../blog-list.ts';
import { byId, el, positiveInt, showMessage } from '../dom.ts';
import { localDateTime } from '../format.ts';
import { postState } from '../post-status.ts';
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
  const content = byId('post-content', HTMLElement);
  content.classList.toggle('markdown', blog.format === 'markdown');
  content.replaceChildren(renderContent(blog.content));

  const user = await currentUser();
  if (user?.username === blog.author) {
    // Only the author is ever sent a post that is not public; say so, so it is not mistaken for one.
    const state = postState(blog);
    if (state !== 'published') {
      const note = byId('post-state', HTMLElement);
      note.textContent = state === 'draft'
        ? '这是草稿，只有你能看到。'
        : `定时发布：${localDateTime(blog.publishtime ?? blog.createtime)} 公开，在那之前只有你能看到。`;
      note.dataset.state = state;
      note.hidden = false;
    }
    const actions = byId('post-actions', HTMLElement);
    actions.replaceChildren(el('a', { className: 'button', text: '编辑', attrs: { href: `/edit.html?id=${blog.id}` } }));
    actions.hidden = false;
  }
}
