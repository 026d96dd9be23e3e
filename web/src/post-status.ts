// What a post's status means to its author (草稿 / 定时 / 已发布) and the local-time conversions the
// editor's schedule field needs. The server decides visibility; this only describes it.
import type { Blog } from './api.ts';

export type PostState = 'draft' | 'scheduled' | 'published';

/** A post from a server without issue 17's fields is a published post. */
export function postState(blog: Pick<Blog, 'status' | 'publishtime'>, now = Date.now()): PostState {
  if (blog.status === 'draft') return 'draft';
  return typeof blog.publishtime === 'number' && blog.publishtime > now ? 'scheduled' : 'published';
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** 14:05:09 in the reader's time zone (the autosave indicator). */
export function clockTime(milliseconds: number): string {
  const date = new Date(milliseconds);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** 2026-12-01 14:05, local: the scheduled time as the admin list shows it. */
export function localDateTime(milliseconds: number): string {
  const date = new Date(milliseconds);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of an <input type="datetime-local" step="1"> for this moment, in local time. */
export function toDateTimeLocal(milliseconds: number): string {
  const date = new Date(milliseconds);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * The moment a datetime-local value names in the local time zone, or undefined for an empty or
 * malformed value. (valueAsNumber would read the wall-clock time as UTC.)
 */
export function fromDateTimeLocal(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(year ?? 0, (month ?? 1) - 1, day, hours, minutes, seconds);
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
}

export const STATE_LABELS: Record<PostState, string> = { draft: '草稿', scheduled: '定时', published: '已发布' };
