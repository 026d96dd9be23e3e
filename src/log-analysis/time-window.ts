/** `--since` / `--until`: ISO 8601 dates or date-times → instants; UTC when no offset is written. */

export class TimeWindowError extends Error {}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The instant `text` names. `end: true` (--until) makes a date alone mean the end of that day, so
 * `--since 2026-12-01 --until 2026-12-01` is that whole day.
 */
export function parseWindowTime(option: string, text: string, end: boolean): number {
  const trimmed = text.trim();
  let instant: number;
  if (DATE_ONLY.test(trimmed)) instant = Date.parse(`${trimmed}T00:00:00Z`) + (end ? 86_400_000 : 0);
  else if (DATE_TIME.test(trimmed)) instant = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed.replace(' ', 'T') : `${trimmed.replace(' ', 'T')}Z`);
  else instant = Number.NaN;
  if (Number.isNaN(instant) || (DATE_ONLY.test(trimmed) && new Date(instant - (end ? 86_400_000 : 0)).toISOString().slice(0, 10) !== trimmed)) {
    throw new TimeWindowError(`--${option}: expected an ISO 8601 date or date-time (2026-12-01, 2026-12-01T08:00, 2026-12-01T08:00+08:00), got "${text}"`);
  }
  return instant;
}
