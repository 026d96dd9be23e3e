// 发布方式: draft, publish now, or schedule at a local date and time. It turns the choice into the
// optional status/publishtime fields of new and update, sending nothing when the post keeps its status.
import type { Blog } from '../api.ts';
import { byId } from '../dom.ts';
import { fromDateTimeLocal, toDateTimeLocal } from '../format.ts';
import { postState } from '../post-status.ts';
import type { PostState } from '../post-status.ts';

export type StatusOption = 'draft' | 'now' | 'schedule';

export interface StatusFields {
  status?: 'published' | 'draft';
  publishtime?: number;
}

export type StatusResult =
  | { ok: true; fields: StatusFields }
  | { ok: false; message: string; field: HTMLElement };

export interface StatusChoice {
  option(): StatusOption;
  /** The post as saved on the server (edit page, or the draft the first autosave created). */
  setSaved(blog: Pick<Blog, 'status' | 'publishtime'>): void;
  /** Selects the option that matches the saved post. */
  selectSaved(): void;
  /** The fields to send for the chosen option, or why it cannot be saved. */
  fields(): StatusResult;
}

const DEFAULT_SCHEDULE_AHEAD_MS = 60 * 60 * 1000;

export function wireStatusChoice(form: HTMLFormElement, onChange: (option: StatusOption) => void): StatusChoice {
  const radios = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="status"]'));
  const scheduleField = byId('schedule-field', HTMLElement);
  const publishAt = byId('publish-at', HTMLInputElement);
  const nowLabel = byId('status-now-label', HTMLElement);
  byId('time-zone', HTMLElement).textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || '本地时间';
  let saved: { state: PostState; scheduleValue: string } | undefined;

  const option = (): StatusOption => {
    const value = radios.find((radio) => radio.checked)?.value;
    return value === 'draft' || value === 'schedule' ? value : 'now';
  };
  const select = (value: StatusOption): void => {
    for (const radio of radios) radio.checked = radio.value === value;
    showSchedule();
  };
  const showSchedule = (): void => {
    const scheduling = option() === 'schedule';
    scheduleField.hidden = !scheduling;
    if (scheduling && publishAt.value === '') {
      // A starting point an hour ahead, on the minute: easy to adjust, never already past.
      const ahead = Date.now() + DEFAULT_SCHEDULE_AHEAD_MS;
      publishAt.value = toDateTimeLocal(ahead - (ahead % 60_000));
    }
  };
  for (const radio of radios) {
    radio.addEventListener('change', () => {
      showSchedule();
      onChange(option());
    });
  }

  return {
    option,
    setSaved(blog) {
      const state = postState(blog);
      const scheduleValue = state === 'scheduled' && typeof blog.publishtime === 'number' ? toDateTimeLocal(blog.publishtime) : '';
      saved = { state, scheduleValue };
      nowLabel.textContent = state === 'published' ? '已发布（保持公开）' : '立即发布';
    },
    selectSaved() {
      if (!saved) return;
      if (saved.state === 'scheduled') publishAt.value = saved.scheduleValue;
      select(saved.state === 'draft' ? 'draft' : saved.state === 'scheduled' ? 'schedule' : 'now');
    },
    fields() {
      const chosen = option();
      if (chosen === 'draft') return { ok: true, fields: saved?.state === 'draft' ? {} : { status: 'draft' } };
      if (chosen === 'now') {
        if (saved === undefined || saved.state === 'published') return { ok: true, fields: {} };
        // A draft published without a time is published now by the server's clock; a scheduled
        // post keeps its time unless one is sent.
        return { ok: true, fields: saved.state === 'draft' ? { status: 'published' } : { status: 'published', publishtime: Date.now() } };
      }
      if (saved?.state === 'scheduled' && publishAt.value === saved.scheduleValue) return { ok: true, fields: {} };
      const publishtime = fromDateTimeLocal(publishAt.value);
      if (publishtime === undefined) return { ok: false, message: '请选择定时发布的日期和时间', field: publishAt };
      if (publishtime <= Date.now()) {
        return { ok: false, message: '定时发布的时间已经过去了，请选择一个将来的时间', field: publishAt };
      }
      return { ok: true, fields: { status: 'published', publishtime } };
    },
  };
}
