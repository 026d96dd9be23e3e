/**
 * The combined format's time (`01/Dec/2026:12:34:56 +0100`) → the day and hour as written (what
 * GoAccess groups by) and the instant (for --since/--until). Parsing is cached: the day part per
 * distinct date string, the whole instant for the last second seen (lines come mostly in order).
 */

export interface LogTime {
  /** The date as written, ISO: `2026-12-01`. */
  readonly day: string;
  /** The hour as written, 0–23. */
  readonly hour: number;
  /** Milliseconds since the epoch. */
  readonly instant: number;
}

const MONTHS: Readonly<Record<string, number>> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const TIME_SHAPE = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

interface DayPart {
  readonly day: string;
  /** Midnight of the written date, read as UTC. */
  readonly midnight: number;
}

/** A cached reader of log times; one per analysis (its caches are bounded). */
export class LogTimeReader {
  readonly #days = new Map<string, DayPart>();
  #lastText = '';
  #last: LogTime | undefined;

  /** The time of `text`, or undefined when it is not a combined-format time. */
  read(text: string): LogTime | undefined {
    if (text === this.#lastText) return this.#last;
    const time = this.#parse(text);
    this.#lastText = text;
    this.#last = time;
    return time;
  }

  #parse(text: string): LogTime | undefined {
    if (text.length !== 26) return undefined;
    const dayText = text.slice(0, 11);
    let dayPart = this.#days.get(dayText);
    if (dayPart === undefined) {
      const shape = TIME_SHAPE.exec(text);
      const month = shape === null ? undefined : MONTHS[shape[2] as string];
      if (shape === null || month === undefined) return undefined;
      const midnight = Date.UTC(Number(shape[3]), month, Number(shape[1]));
      if (new Date(midnight).getUTCDate() !== Number(shape[1])) return undefined; // 31/Feb
      dayPart = { day: new Date(midnight).toISOString().slice(0, 10), midnight };
      // Logs span days, not millions of them; a flood of distinct bad dates cannot grow this.
      if (this.#days.size >= 4096) this.#days.clear();
      this.#days.set(dayText, dayPart);
    }
    const hour = twoDigits(text, 12);
    const minute = twoDigits(text, 15);
    const second = twoDigits(text, 18);
    const offsetHours = twoDigits(text, 22);
    const offsetMinutes = twoDigits(text, 24);
    const sign = text.charCodeAt(21) === 45 ? -1 : text.charCodeAt(21) === 43 ? 1 : 0;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || sign === 0 || offsetHours < 0 || offsetMinutes < 0 || text.charCodeAt(11) !== 58 || text.charCodeAt(20) !== 32) return undefined;
    const offset = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
    return { day: dayPart.day, hour, instant: dayPart.midnight + ((hour * 60 + minute) * 60 + second) * 1000 - offset };
  }
}

/** The number of the two digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return -1;
  return tens * 10 + ones;
}
