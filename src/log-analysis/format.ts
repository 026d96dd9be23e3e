/** Number, byte and share formatting shared by the table and the HTML report. */

export const count = (value: number): string => value.toLocaleString('en-US');

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${scaled.toFixed(scaled < 10 ? 2 : 1)} ${units[unit]}`;
}

export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

export const milliseconds = (value: number): string => `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ms`;

/** `2026-11-28T00:00:00.000Z` → `2026-11-28 00:00:00 UTC`. */
export const instant = (iso: string | null): string => (iso === null ? '–' : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
