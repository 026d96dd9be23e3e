// What the editor holds — title, text and its format — and how it is sent: Markdown as `source`,
// HTML as `content`, the same shape for saving, autosaving and previewing.
import type { PostFormat } from '../api.ts';

export interface EditorContent {
  title: string;
  format: PostFormat;
  /** The textarea as typed: HTML for an HTML post, the Markdown text for a Markdown post. */
  text: string;
}

export type ContentFields = { format: 'html'; content: string } | { format: 'markdown'; source: string };

export function contentFields(format: PostFormat, text: string): ContentFields {
  return format === 'markdown' ? { format, source: text } : { format, content: text };
}

export function bodyOf(content: EditorContent): { title: string } & ContentFields {
  return { title: content.title, ...contentFields(content.format, content.text) };
}

const HINTS: Record<PostFormat, string> = {
  html: '换行会保留；可以用 <b>、<i>、<a href>、<code> 等简单标签。',
  markdown: 'Markdown：**粗体**、*斜体*、[链接](https://…)、`代码`、## 标题、- 列表；HTML 标签会原样显示为文字。',
};

/** The format radios; `onChange` runs when the author switches. */
export function wireFormatChoice(form: HTMLFormElement, hint: HTMLElement, onChange: () => void): {
  value(): PostFormat;
  set(format: PostFormat): void;
} {
  const radios = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="format"]'));
  const value = (): PostFormat => (radios.find((radio) => radio.checked)?.value === 'markdown' ? 'markdown' : 'html');
  const showHint = (): void => { hint.textContent = HINTS[value()]; };
  for (const radio of radios) {
    radio.addEventListener('change', () => {
      showHint();
      onChange();
    });
  }
  return {
    value,
    set(format) {
      for (const radio of radios) radio.checked = radio.value === format;
      showHint();
    },
  };
}
