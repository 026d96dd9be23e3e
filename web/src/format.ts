/** 2026年11月24日, in the reader's time zone, as the course's pages show dates. */
export function formatDate(milliseconds: number): string {
  const date = new Date(milliseconds);
  return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日`;
}

/** The machine-readable value for <time datetime>. */
export function isoDate(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}
