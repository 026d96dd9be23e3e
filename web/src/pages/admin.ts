// 管理中心: the logged-in user's posts with their status (草稿 / 定时 / 已发布), filtered by status and
// searchable, with edit links and delete behind a confirmation.
import { callApi, ignoreData } from '../api.ts';
import type { Blog } from '../api.ts';
import { loadListInto, pagingFromLocation } from '../blog-list.ts';
import { confirmedCall } from '../confirmed-call.ts';
import { byId, el, showMessage } from '../dom.ts';
import { STATE_LABELS } from '../post-status.ts';
import type { PostState } from '../post-status.ts';
import { requireUser } from '../session.ts';

export async function startAdmin(): Promise<void> {
  const user = await requireUser();
  const params = new URLSearchParams(window.location.search);
  const keyword = (params.get('keyword') ?? '').trim();
  const status = stateFilter(params.get('status'));
  byId('keyword', HTMLInputElement).value = keyword;
  const statusInput = byId('status-input', HTMLInputElement);
  statusInput.value = status ?? '';
  statusInput.disabled = status === undefined;
  renderStatusFilter(byId('status-filter', HTMLElement), params, status);
  byId('page-heading', HTMLElement).textContent = `管理中心 · ${user.username}`;
  if (keyword) {
    const clear = byId('clear-search', HTMLAnchorElement);
    clear.hidden = false;
    if (status) clear.href = `/admin.html?status=${status}`;
  }

  const list = byId('blog-list', HTMLElement);
  const listStatus = byId('list-status', HTMLElement);
  const confirmDelete = createDeleteDialog(listStatus);

  await loadListInto(
    { list, pager: byId('pager', HTMLElement), status: listStatus },
    { isadmin: true, keyword, ...(status ? { status } : {}), ...pagingFromLocation(params) },
    {
      showAuthor: false,
      showExcerpt: false,
      showState: true,
      emptyText: emptyText(keyword, status),
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

const FILTERS: readonly { state: PostState | undefined; label: string }[] = [
  { state: undefined, label: '全部' },
  { state: 'published', label: STATE_LABELS.published },
  { state: 'scheduled', label: STATE_LABELS.scheduled },
  { state: 'draft', label: STATE_LABELS.draft },
];

function stateFilter(value: string | null): PostState | undefined {
  return value === 'draft' || value === 'scheduled' || value === 'published' ? value : undefined;
}

function emptyText(keyword: string, status: PostState | undefined): string {
  if (keyword) return status ? `没有标题包含“${keyword}”的${STATE_LABELS[status]}博客。` : `没有标题包含“${keyword}”的博客。`;
  if (status === 'draft') return '没有草稿。';
  if (status === 'scheduled') return '没有定时发布的博客。';
  if (status === 'published') return '还没有已发布的博客。';
  return '你还没有写博客，点“新建博客”写第一篇吧。';
}

/** 全部 / 已发布 / 定时 / 草稿 as links (the search keeps its keyword; paging starts over). */
function renderStatusFilter(nav: HTMLElement, params: URLSearchParams, current: PostState | undefined): void {
  nav.replaceChildren(...FILTERS.map(({ state, label }) => {
    const target = new URLSearchParams(params);
    target.delete('page');
    if (state) target.set('status', state);
    else target.delete('status');
    const query = target.toString();
    const link = el('a', { className: 'filter-link', text: label, attrs: { href: `/admin.html${query ? `?${query}` : ''}` } });
    if (state === current) link.setAttribute('aria-current', 'page');
    return link;
  }));
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
    void confirmedCall(confirmButton, dialogError, () => callApi(`/api/blog/del?id=${blog.id}`, ignoreData, { method: 'POST' })).then((deleted) => {
      if (!deleted) return;
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
