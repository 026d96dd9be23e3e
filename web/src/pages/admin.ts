// 管理中心: the logged-in user's posts, searchable, with edit links and delete behind a confirmation.
import { callApi, ignoreData, NOT_LOGGED_IN } from '../api.ts';
import type { Blog } from '../api.ts';
import { loadListInto, pagingFromLocation } from '../blog-list.ts';
import { byId, el, showMessage } from '../dom.ts';
import { loginUrl, requireUser } from '../session.ts';

export async function startAdmin(): Promise<void> {
  const user = await requireUser();
  const params = new URLSearchParams(window.location.search);
  const keyword = (params.get('keyword') ?? '').trim();
  byId('keyword', HTMLInputElement).value = keyword;
  byId('page-heading', HTMLElement).textContent = `管理中心 · ${user.username}`;
  if (keyword) byId('clear-search', HTMLAnchorElement).hidden = false;

  const list = byId('blog-list', HTMLElement);
  const status = byId('list-status', HTMLElement);
  const confirmDelete = createDeleteDialog(status);

  await loadListInto(
    { list, pager: byId('pager', HTMLElement), status },
    { isadmin: true, keyword, ...pagingFromLocation(params) },
    {
      showAuthor: false,
      showExcerpt: false,
      emptyText: keyword ? `没有标题包含“${keyword}”的博客。` : '你还没有写博客，点“新建博客”写第一篇吧。',
      actions: (blog) => {
        const deleteButton = el('button', {
          className: 'button danger',
          text: '删除',
          attrs: { type: 'button', 'aria-label': `删除《${blog.title}》` },
        });
        deleteButton.addEventListener('click', () => confirmDelete(blog, deleteButton));
        return [
          el('a', { className: 'button', text: '编辑', attrs: { href: `/edit.html?id=${blog.id}`, 'aria-label': `编辑《${blog.title}》` } }),
          deleteButton,
        ];
      },
    },
  );
}

/** Wires the page's <dialog>; returns a function that asks before deleting one post. */
function createDeleteDialog(status: HTMLElement): (blog: Blog, opener: HTMLButtonElement) => void {
  const dialog = byId('delete-dialog', HTMLDialogElement);
  const titleSlot = byId('delete-title', HTMLElement);
  const confirmButton = byId('delete-confirm', HTMLButtonElement);
  const cancelButton = byId('delete-cancel', HTMLButtonElement);
  const dialogError = byId('delete-error', HTMLElement);
  let pending: { blog: Blog; opener: HTMLButtonElement } | undefined;

  cancelButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    // Back to the button that opened the dialog, if its post still exists.
    if (pending?.opener.isConnected) pending.opener.focus();
    pending = undefined;
  });
  confirmButton.addEventListener('click', () => {
    if (!pending) return;
    const { blog } = pending;
    confirmButton.disabled = true;
    void callApi(`/api/blog/del?id=${blog.id}`, ignoreData, { method: 'POST' }).then((result) => {
      confirmButton.disabled = false;
      if (!result.ok) {
        if (result.message === NOT_LOGGED_IN) {
          window.location.replace(loginUrl());
          return;
        }
        showMessage(dialogError, result.message);
        return;
      }
      document.querySelector(`li.post[data-id="${blog.id}"]`)?.remove();
      dialog.close();
      status.dataset.kind = 'info';
      showMessage(status, `已删除《${blog.title}》`);
      status.focus();
    });
  });

  return (blog, opener) => {
    pending = { blog, opener };
    titleSlot.textContent = blog.title;
    showMessage(dialogError, '');
    dialog.showModal();
    cancelButton.focus();
  };
}
