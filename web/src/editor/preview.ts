// The live preview: what the server would store, rendered by POST /api/blog/preview (the same
// render + sanitize code as saving) and shown through the pages' own renderer, never as raw HTML.
import { callApi, parsePreview } from '../api.ts';
import type { PostFormat } from '../api.ts';
import { showMessage } from '../dom.ts';
import { renderContent } from '../sanitize.ts';
import { contentFields } from './content.ts';

const PREVIEW_DELAY_MS = 400;

interface PreviewElements {
  output: HTMLElement;
  error: HTMLElement;
  empty: HTMLElement;
}

/**
 * Returns `refresh`, to call on every change: the preview follows after a short pause in typing, or
 * at once when `immediate` (a text put into the form as a whole).
 */
export function wirePreview(read: () => { format: PostFormat; text: string }, elements: PreviewElements): (immediate?: boolean) => void {
  let timer: number | undefined;
  // Answers can arrive out of order; only the newest request's answer is shown.
  let latest = 0;

  const render = async (): Promise<void> => {
    const { format, text } = read();
    const request = ++latest;
    if (text.trim() === '') {
      elements.output.replaceChildren();
      elements.empty.hidden = false;
      showMessage(elements.error, '');
      return;
    }
    elements.output.setAttribute('aria-busy', 'true');
    const result = await callApi('/api/blog/preview', parsePreview, { method: 'POST', body: contentFields(format, text) });
    if (request !== latest) return;
    elements.output.setAttribute('aria-busy', 'false');
    if (!result.ok) {
      // The last good preview stays, marked as out of date, under the server's message.
      elements.output.dataset.stale = '';
      showMessage(elements.error, `预览失败：${result.message}`);
      return;
    }
    delete elements.output.dataset.stale;
    elements.output.classList.toggle('markdown', format === 'markdown');
    elements.output.replaceChildren(renderContent(result.data.content));
    elements.empty.hidden = true;
    showMessage(elements.error, '');
  };

  return (immediate = false) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (immediate) {
      void render();
      return;
    }
    timer = window.setTimeout(() => {
      timer = undefined;
      void render();
    }, PREVIEW_DELAY_MS);
  };
}
