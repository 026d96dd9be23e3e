/** 2026年11月24日, in the reader's time zone, as the course's pages show dates. */
export function formatDate(milliseconds: number): string {
  const date = new Date(milliseconds);
  return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日`;
}

/** The machine-readable value for <time datetime>. */
export function isoDate(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** The value of an <input type="datetime-local" step="1"> for this moment, in local time: 2026-12-01T14:05:09. */
export function toDateTimeLocal(milliseconds: number): string {
  const date = new Date(milliseconds);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** 2026-12-01 14:05:09, local (a revision's time). */
export function localDateTimeSeconds(milliseconds: number): string {
  return toDateTimeLocal(milliseconds).replace('T', ' ');
}

/** 2026-12-01 14:05, local: the scheduled time as the admin list shows it. */
export function localDateTime(milliseconds: number): string {
  return localDateTimeSeconds(milliseconds).slice(0, 16);
}

/** 14:05:09 in the reader's time zone (the autosave indicator). */
export function clockTime(milliseconds: number): string {
  return toDateTimeLocal(milliseconds).slice(11);
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
