// 历史版本 on the edit page: the post's saved versions (GET /api/blog/revisions), one shown on demand
// (GET /api/blog/revision) and restored after a confirmation (POST /api/blog/restore), and the offer
// to bring back an autosave that is newer than the post's last real save.
import { callApi, ignoreData, parseRevision, parseRevisions } from '../api.ts';
import type { Blog, Revision, RevisionSummary } from '../api.ts';
import { confirmedCall } from '../confirmed-call.ts';
import { byId, el, showMessage } from '../dom.ts';
import { localDateTimeSeconds } from '../format.ts';
import { renderContent } from '../sanitize.ts';

const KIND_LABELS: Record<RevisionSummary['kind'], string> = { save: '保存', autosave: '自动保存', restore: '恢复' };


export async function fetchRevision(id: number, revision: number) {
  return callApi(`/api/blog/revision?id=${id}&revision=${revision}`, parseRevision);
}

interface RevisionsOptions {
  id: number;
  /** Saves whatever the form holds that is not saved yet, so a restore cannot lose it. */
  beforeRestore: () => Promise<void>;
  /** The restore is done on the server: reload the post into the form. */
  afterRestore: (restored: RevisionSummary) => Promise<void>;
}

export interface RevisionsPanel {
  /** Loads (again) the list; resolves with it, or undefined when it could not be loaded. */
  refresh(): Promise<RevisionSummary[] | undefined>;
}

export function wireRevisions(options: RevisionsOptions): RevisionsPanel {
  const section = byId('revisions', HTMLElement);
  const status = byId('revisions-status', HTMLElement);
  const list = byId('revision-list', HTMLOListElement);
  const view = byId('revision-view', HTMLElement);
  const restoreButton = byId('revision-restore', HTMLButtonElement);
  const dialog = byId('restore-dialog', HTMLDialogElement);
  const confirmButton = byId('restore-confirm', HTMLButtonElement);
  const dialogError = byId('restore-error', HTMLElement);
  let shown: Revision | undefined;

  const show = async (summary: RevisionSummary, opener: HTMLButtonElement): Promise<void> => {
    opener.disabled = true;
    const result = await fetchRevision(options.id, summary.revision);
    opener.disabled = false;
    if (!result.ok) {
      status.dataset.kind = 'error';
      showMessage(status, result.message);
      return;
    }
    shown = result.data;
    byId('revision-view-heading', HTMLElement).textContent = `${localDateTimeSeconds(shown.time)} 的版本（${KIND_LABELS[shown.kind]}）`;
    byId('revision-view-title', HTMLElement).textContent = shown.title;
    const content = byId('revision-view-content', HTMLElement);
    content.classList.toggle('markdown', shown.format === 'markdown');
    content.replaceChildren(renderContent(shown.content));
    view.hidden = false;
    for (const item of Array.from(list.children)) item.toggleAttribute('aria-current', item === opener.closest('li'));
    view.scrollIntoView({ block: 'nearest' });
    restoreButton.focus();
  };

  const render = (revisions: RevisionSummary[]): void => {
    list.replaceChildren(...revisions.map((revision) => {
      const button = el('button', {
        className: 'button',
        text: '查看',
        attrs: { type: 'button', 'aria-label': `查看 ${localDateTimeSeconds(revision.time)} 的版本` },
      });
      button.addEventListener('click', () => void show(revision, button));
      return el('li', { attrs: { 'data-revision': String(revision.revision) } }, [
        el('time', { text: localDateTimeSeconds(revision.time), attrs: { datetime: new Date(revision.time).toISOString() } }),
        el('span', { className: 'badge', text: KIND_LABELS[revision.kind], attrs: { 'data-kind': revision.kind } }),
        el('span', { className: 'revision-title', text: revision.title }),
        button,
      ]);
    }));
    status.dataset.kind = 'info';
    showMessage(status, revisions.length === 0 ? '还没有历史版本：每次保存，之前的版本都会留在这里。' : `共 ${revisions.length} 个版本`);
  };

  const refresh = async (): Promise<RevisionSummary[] | undefined> => {
    section.hidden = false;
    const result = await callApi(`/api/blog/revisions?id=${options.id}`, parseRevisions);
    if (!result.ok) {
      status.dataset.kind = 'error';
      showMessage(status, `历史版本加载失败：${result.message}`);
      return undefined;
    }
    render(result.data);
    return result.data;
  };

  byId('revision-close', HTMLButtonElement).addEventListener('click', () => {
    view.hidden = true;
    shown = undefined;
  });
  restoreButton.addEventListener('click', () => {
    if (!shown) return;
    byId('restore-when', HTMLElement).textContent = localDateTimeSeconds(shown.time);
    showMessage(dialogError, '');
    dialog.showModal();
    byId('restore-cancel', HTMLButtonElement).focus();
  });
  byId('restore-cancel', HTMLButtonElement).addEventListener('click', () => dialog.close());
  confirmButton.addEventListener('click', () => {
    const target = shown;
    if (!target) return;
    void (async () => {
      const restored = await confirmedCall(confirmButton, dialogError, async () => {
        await options.beforeRestore();
        return callApi(`/api/blog/restore?id=${options.id}&revision=${target.revision}`, ignoreData, { method: 'POST' });
      });
      if (!restored) return;
      dialog.close();
      view.hidden = true;
      shown = undefined;
      await options.afterRestore(target);
      await refresh();
    })();
  });

  return { refresh };
}

/** The newest revision when it is an autosave made after the post was last really saved. */
export function pendingAutosave(blog: Blog, revisions: readonly RevisionSummary[]): RevisionSummary | undefined {
  const newest = revisions[0];
  const savedAt = blog.updatetime ?? blog.createtime;
  return newest?.kind === 'autosave' && newest.time > savedAt ? newest : undefined;
}

export function describeRevisionTime(milliseconds: number): string {
  return localDateTimeSeconds(milliseconds);
}
