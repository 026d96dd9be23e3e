// 新建 and 编辑: one editor for both — title, format (HTML / Markdown), text with a live preview, 发布方式
// (draft, now, scheduled) and autosave; the edit page adds the revisions panel. Whatever goes wrong,
// the typed text stays in the form; if the session has expired it is kept in sessionStorage across
// the trip to the login page.
import { callApi, decodeEntities, ignoreData, NOT_LOGGED_IN, parseAutosaved, parseBlog, parseCreated } from '../api.ts';
import type { Blog, PostFormat } from '../api.ts';
import { detailUrl } from '../blog-list.ts';
import { byId, positiveInt, showMessage } from '../dom.ts';
import { createAutosaver } from '../editor/autosave.ts';
import type { AutosaveCall, Autosaver } from '../editor/autosave.ts';
import { bodyOf, wireFormatChoice } from '../editor/content.ts';
import type { EditorContent } from '../editor/content.ts';
import { wirePreview } from '../editor/preview.ts';
import { describeRevisionTime, fetchRevision, pendingAutosave, wireRevisions } from '../editor/revisions.ts';
import { wireStatusChoice } from '../editor/status-choice.ts';
import type { StatusChoice, StatusFields, StatusOption } from '../editor/status-choice.ts';
import { loginUrl, requireUser } from '../session.ts';

interface EditorElements {
  form: HTMLFormElement;
  title: HTMLInputElement;
  content: HTMLTextAreaElement;
  publishAt: HTMLInputElement;
  submit: HTMLButtonElement;
  error: HTMLElement;
  notice: HTMLElement;
}

function editorElements(): EditorElements {
  return {
    form: byId('editor-form', HTMLFormElement),
    title: byId('title', HTMLInputElement),
    content: byId('content', HTMLTextAreaElement),
    publishAt: byId('publish-at', HTMLInputElement),
    submit: byId('editor-submit', HTMLButtonElement),
    error: byId('editor-error', HTMLElement),
    notice: byId('editor-notice', HTMLElement),
  };
}

function draftKey(id: number | undefined): string {
  return id === undefined ? 'blog-draft:new' : `blog-draft:${id}`;
}

function saveDraft(key: string, draft: EditorContent): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft cannot survive the login trip, nothing else to do.
  }
}

/** Takes the draft saved before a trip to the login page, if any (once). */
function takeDraft(key: string): EditorContent | undefined {
  try {
    const stored = sessionStorage.getItem(key);
    if (stored === null) return undefined;
    sessionStorage.removeItem(key);
    const parsed: unknown = JSON.parse(stored);
    if (typeof parsed === 'object' && parsed !== null && 'title' in parsed && 'text' in parsed
      && typeof parsed.title === 'string' && typeof parsed.text === 'string') {
      const format: PostFormat = 'format' in parsed && parsed.format === 'markdown' ? 'markdown' : 'html';
      return { title: parsed.title, text: parsed.text, format };
    }
  } catch {
    // A broken draft is dropped.
  }
  return undefined;
}

/** Marks the field a validation message is about (标题…/内容…/时间…), so it is read out with the field. */
function markInvalidField(elements: EditorElements, message: string | undefined, field?: HTMLElement): void {
  for (const candidate of [elements.title, elements.content, elements.publishAt]) {
    candidate.removeAttribute('aria-invalid');
  }
  if (message === undefined) return;
  const target = field ?? (message.includes('标题') ? elements.title : message.includes('内容') ? elements.content : undefined);
  if (target) {
    target.setAttribute('aria-invalid', 'true');
    target.focus();
  }
}

const SUBMIT_LABELS: Record<StatusOption, string> = { draft: '保存草稿', now: '发布', schedule: '定时发布' };

/** The post as the editor's text: a Markdown post is edited as its source, an HTML post as stored. */
function editorContentOf(blog: Pick<Blog, 'title' | 'content' | 'format' | 'source'>): EditorContent {
  return blog.format === 'markdown'
    ? { title: blog.title, format: 'markdown', text: blog.source ?? '' }
    // As typed: the server escaped `<script>` to `&lt;script&gt;` on write and will again on save.
    : { title: blog.title, format: 'html', text: decodeEntities(blog.content) };
}

interface Editor {
  elements: EditorElements;
  status: StatusChoice;
  autosaver: Autosaver;
  /** The post being edited: undefined on the new page until the first save or autosave. */
  id(): number | undefined;
  read(): EditorContent;
  /** Puts text into the form (a loaded post, a restored draft or revision). */
  fill(content: EditorContent): void;
}

function createEditor(initialId: number | undefined, options: { relabelSubmit: boolean }): Editor {
  const elements = editorElements();
  let id = initialId;
  const format = wireFormatChoice(elements.form, byId('content-hint', HTMLElement), () => {
    refreshPreview(true);
    autosaver.changed();
  });
  const read = (): EditorContent => ({ title: elements.title.value, format: format.value(), text: elements.content.value });
  const refreshPreview = wirePreview(read, {
    output: byId('preview', HTMLElement),
    error: byId('preview-error', HTMLElement),
    empty: byId('preview-empty', HTMLElement),
  });
  const status = wireStatusChoice(elements.form, (option) => {
    if (options.relabelSubmit) elements.submit.textContent = SUBMIT_LABELS[option];
    markInvalidField(elements, undefined);
  });

  const autosave: AutosaveCall = () => {
    const content = read();
    // A new post becomes a draft on its first autosave, and a post needs a title.
    if (id === undefined && content.title.trim() === '') return undefined;
    const path = id === undefined ? '/api/blog/autosave' : `/api/blog/autosave?id=${id}`;
    return callApi(path, parseAutosaved, { method: 'POST', body: bodyOf(content) }).then((result) => {
      if (!result.ok) {
        if (result.message === NOT_LOGGED_IN) saveDraft(draftKey(id), content);
        return { ok: false as const, message: result.message, retry: result.status === 0 || result.status >= 500 };
      }
      if (id === undefined) {
        // From now on this page edits that draft; a reload (or the login trip) reopens it.
        id = result.data.id;
        window.history.replaceState(null, '', `/edit.html?id=${id}`);
        status.setSaved({ status: 'draft', publishtime: null });
      }
      return { ok: true as const, time: result.data.time ?? Date.now() };
    });
  };
  const autosaver = createAutosaver(autosave, byId('autosave-status', HTMLElement), '填写标题后会自动保存为草稿');

  elements.publishAt.addEventListener('input', () => {
    if (elements.publishAt.hasAttribute('aria-invalid')) {
      showMessage(elements.error, '');
      markInvalidField(elements, undefined);
    }
  });
  elements.title.addEventListener('input', () => autosaver.changed());
  elements.content.addEventListener('input', () => {
    autosaver.changed();
    refreshPreview();
  });

  elements.form.addEventListener('submit', (event) => {
    event.preventDefault();
    elements.submit.disabled = true;
    showMessage(elements.error, '');
    void (async () => {
      // An autosave in flight may be creating the draft this save must update, not duplicate.
      await autosaver.pause();
      const content = read();
      const chosen = status.fields();
      const result = chosen.ok ? await save(content, chosen.fields) : { ok: false as const, message: chosen.message, field: chosen.field };
      if (result.ok) {
        autosaver.reset();
        window.location.assign(detailUrl(result.id));
        return;
      }
      elements.submit.disabled = false;
      autosaver.resume();
      if (result.message === NOT_LOGGED_IN) {
        saveDraft(draftKey(id), content);
        window.location.replace(loginUrl());
        return;
      }
      showMessage(elements.error, result.message);
      markInvalidField(elements, result.message, 'field' in result ? result.field : undefined);
    })();
  });

  const save = async (content: EditorContent, statusFields: StatusFields): Promise<{ ok: true; id: number } | { ok: false; message: string }> => {
    const body = { ...bodyOf(content), ...statusFields };
    if (id === undefined) {
      const created = await callApi('/api/blog/new', parseCreated, { method: 'POST', body });
      return created.ok ? { ok: true, id: created.data.id } : { ok: false, message: created.message };
    }
    const saved = await callApi(`/api/blog/update?id=${id}`, ignoreData, { method: 'POST', body });
    return saved.ok ? { ok: true, id } : { ok: false, message: saved.message };
  };

  return {
    elements,
    status,
    autosaver,
    id: () => id,
    read,
    fill(content) {
      elements.title.value = content.title;
      format.set(content.format);
      elements.content.value = content.text;
      refreshPreview(true);
    },
  };
}

function restoreDraft(editor: Editor): void {
  const draft = takeDraft(draftKey(editor.id()));
  if (!draft) return;
  editor.fill(draft);
  editor.autosaver.changed();
  showMessage(editor.elements.notice, '已恢复登录前未保存的内容，请检查后再保存。');
}

export async function startNew(): Promise<void> {
  await requireUser();
  const editor = createEditor(undefined, { relabelSubmit: true });
  restoreDraft(editor);
  editor.elements.title.focus();
}

async function loadPost(id: number): Promise<{ ok: true; blog: Blog } | { ok: false; message: string }> {
  // isadmin=1: only the logged-in user's own post, in any status, as the course's edit page asks for it.
  const result = await callApi(`/api/blog/detail?id=${id}&isadmin=1`, parseBlog);
  return result.ok ? { ok: true, blog: result.data } : { ok: false, message: result.message };
}

export async function startEdit(): Promise<void> {
  await requireUser();
  const id = positiveInt(new URLSearchParams(window.location.search).get('id'), 0);
  const loadStatus = byId('load-status', HTMLElement);
  const form = byId('editor-form', HTMLFormElement);
  if (id === 0) {
    form.hidden = true;
    showMessage(loadStatus, '地址里的博客编号不正确。');
    return;
  }
  const loaded = await loadPost(id);
  if (!loaded.ok) {
    form.hidden = true;
    showMessage(loadStatus, loaded.message === NOT_LOGGED_IN ? loaded.message : '找不到这篇博客，或者它不是你写的。');
    return;
  }
  const editor = createEditor(id, { relabelSubmit: false });
  const { elements } = editor;
  const show = (blog: Blog): void => {
    editor.fill(editorContentOf(blog));
    editor.status.setSaved(blog);
    editor.status.selectSaved();
  };
  show(loaded.blog);
  byId('view-link', HTMLAnchorElement).href = detailUrl(id);
  restoreDraft(editor);
  showMessage(loadStatus, '');
  byId('editor-fields', HTMLFieldSetElement).disabled = false;
  elements.title.focus();

  const revisions = wireRevisions({
    id,
    beforeRestore: () => editor.autosaver.flush(),
    afterRestore: async (restored) => {
      const reloaded = await loadPost(id);
      if (!reloaded.ok) {
        showMessage(elements.notice, `已恢复，但重新加载失败：${reloaded.message}。请刷新页面。`);
        return;
      }
      show(reloaded.blog);
      editor.autosaver.reset();
      showMessage(elements.notice, `已恢复到 ${describeRevisionTime(restored.time)} 的版本。`);
    },
  });
  const list = await revisions.refresh();
  const autosaved = list && pendingAutosave(loaded.blog, list);
  if (autosaved) offerAutosave(editor, id, autosaved.revision, autosaved.time);
}

/** An autosave newer than the last real save: offered, never applied by itself. */
function offerAutosave(editor: Editor, id: number, revision: number, time: number): void {
  const offer = byId('autosave-offer', HTMLElement);
  const accept = byId('autosave-offer-accept', HTMLButtonElement);
  byId('autosave-offer-text', HTMLElement).textContent = `有一份 ${describeRevisionTime(time)} 自动保存、还没有正式保存的内容。要把它放回编辑框吗？`;
  offer.hidden = false;
  byId('autosave-offer-dismiss', HTMLButtonElement).addEventListener('click', () => { offer.hidden = true; }, { once: true });
  accept.addEventListener('click', () => {
    accept.disabled = true;
    void fetchRevision(id, revision).then((result) => {
      accept.disabled = false;
      if (!result.ok) {
        showMessage(byId('autosave-offer-text', HTMLElement), `自动存档加载失败：${result.message}`);
        return;
      }
      editor.fill(editorContentOf(result.data));
      editor.autosaver.changed();
      offer.hidden = true;
      showMessage(editor.elements.notice, '已放回自动保存的内容；点“保存”后才会替换正式版本。');
      editor.elements.content.focus();
    });
  });
}
