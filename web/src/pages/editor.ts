// 新建 and 编辑: one form for both. Whatever goes wrong, the typed text stays in the form; if the
// session has expired it is kept in sessionStorage across the trip to the login page.
import { callApi, decodeEntities, ignoreData, NOT_LOGGED_IN, parseBlog, parseCreated } from '../api.ts';
import { detailUrl } from '../blog-list.ts';
import { byId, positiveInt, showMessage } from '../dom.ts';
import { loginUrl, requireUser } from '../session.ts';

interface Draft {
  title: string;
  content: string;
}

interface EditorElements {
  form: HTMLFormElement;
  title: HTMLInputElement;
  content: HTMLTextAreaElement;
  submit: HTMLButtonElement;
  error: HTMLElement;
  notice: HTMLElement;
}

function editorElements(): EditorElements {
  return {
    form: byId('editor-form', HTMLFormElement),
    title: byId('title', HTMLInputElement),
    content: byId('content', HTMLTextAreaElement),
    submit: byId('editor-submit', HTMLButtonElement),
    error: byId('editor-error', HTMLElement),
    notice: byId('editor-notice', HTMLElement),
  };
}

function draftKey(id: number | undefined): string {
  return id === undefined ? 'blog-draft:new' : `blog-draft:${id}`;
}

function saveDraft(key: string, draft: Draft): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft cannot survive the login trip, nothing else to do.
  }
}

/** Takes the draft saved before a trip to the login page, if any (once). */
function takeDraft(key: string): Draft | undefined {
  try {
    const stored = sessionStorage.getItem(key);
    if (stored === null) return undefined;
    sessionStorage.removeItem(key);
    const parsed: unknown = JSON.parse(stored);
    if (typeof parsed === 'object' && parsed !== null && 'title' in parsed && 'content' in parsed
      && typeof parsed.title === 'string' && typeof parsed.content === 'string') {
      return { title: parsed.title, content: parsed.content };
    }
  } catch {
    // A broken draft is dropped.
  }
  return undefined;
}

/** Marks the field a validation message is about (标题…/内容…), so it is read out with the field. */
function markInvalidField(elements: EditorElements, message: string | undefined): void {
  for (const field of [elements.title, elements.content]) {
    field.removeAttribute('aria-invalid');
  }
  if (message === undefined) return;
  const field = message.includes('标题') ? elements.title : message.includes('内容') ? elements.content : undefined;
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

type SaveResult = { ok: true; id: number } | { ok: false; message: string };

function wireForm(elements: EditorElements, key: string, save: (draft: Draft) => Promise<SaveResult>): void {
  elements.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const draft = { title: elements.title.value, content: elements.content.value };
    elements.submit.disabled = true;
    showMessage(elements.error, '');
    void save(draft).then((result) => {
      if (result.ok) {
        window.location.assign(detailUrl(result.id));
        return;
      }
      elements.submit.disabled = false;
      if (result.message === NOT_LOGGED_IN) {
        saveDraft(key, draft);
        window.location.replace(loginUrl());
        return;
      }
      showMessage(elements.error, result.message);
      markInvalidField(elements, result.message);
    });
  });
}

function restoreDraft(elements: EditorElements, key: string): void {
  const draft = takeDraft(key);
  if (!draft) return;
  elements.title.value = draft.title;
  elements.content.value = draft.content;
  showMessage(elements.notice, '已恢复登录前未保存的内容，请检查后再保存。');
}

export async function startNew(): Promise<void> {
  await requireUser();
  const elements = editorElements();
  const key = draftKey(undefined);
  restoreDraft(elements, key);
  wireForm(elements, key, async (draft) => {
    const result = await callApi('/api/blog/new', parseCreated, { method: 'POST', body: draft });
    return result.ok ? { ok: true, id: result.data.id } : { ok: false, message: result.message };
  });
  elements.title.focus();
}

export async function startEdit(): Promise<void> {
  await requireUser();
  const elements = editorElements();
  const id = positiveInt(new URLSearchParams(window.location.search).get('id'), 0);
  const loadStatus = byId('load-status', HTMLElement);
  if (id === 0) {
    elements.form.hidden = true;
    showMessage(loadStatus, '地址里的博客编号不正确。');
    return;
  }
  // isadmin=1: only the logged-in user's own post, as the course's edit page asks for it.
  const result = await callApi(`/api/blog/detail?id=${id}&isadmin=1`, parseBlog);
  if (!result.ok) {
    elements.form.hidden = true;
    showMessage(loadStatus, result.message === NOT_LOGGED_IN ? result.message : '找不到这篇博客，或者它不是你写的。');
    return;
  }
  const fields = byId('editor-fields', HTMLFieldSetElement);
  elements.title.value = result.data.title;
  // As typed: the server escaped `<script>` to `&lt;script&gt;` on write and will again on save.
  elements.content.value = decodeEntities(result.data.content);
  byId('view-link', HTMLAnchorElement).href = detailUrl(id);
  const key = draftKey(id);
  restoreDraft(elements, key);
  wireForm(elements, key, async (draft) => {
    const saved = await callApi(`/api/blog/update?id=${id}`, ignoreData, { method: 'POST', body: draft });
    return saved.ok ? { ok: true, id } : { ok: false, message: saved.message };
  });
  showMessage(loadStatus, '');
  fields.disabled = false;
  elements.title.focus();
}
