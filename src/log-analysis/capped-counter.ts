/**
 * Counts per key (paths, referring hosts) in bounded memory. Up to `capacity` keys are counted
 * exactly. When a new key would pass the capacity, the keys with the fewest hits are folded into
 * `other` until a quarter of the room is free again; a folded key that comes back starts from zero.
 * So the heavy hitters keep exact counts, and the long tail of one-off keys (scanners' random
 * paths, timestamped URLs) ends in `other` instead of in memory.
 */
export class CappedCounter {
  readonly #counts = new Map<string, number>();
  /** Hits of keys folded away. */
  other = 0;
  /** How many times keys were folded (0: every count is exact). */
  folds = 0;

  constructor(readonly capacity: number) {}

  add(key: string, hits = 1): void {
    const count = this.#counts.get(key);
    if (count !== undefined) {
      this.#counts.set(key, count + hits);
      return;
    }
    if (this.#counts.size >= this.capacity) this.#fold();
    this.#counts.set(key, hits);
  }

  get size(): number {
    return this.#counts.size;
  }

  /** The `limit` keys with the most hits, most first (ties by key, so output is stable). */
  top(limit: number): [string, number][] {
    return [...this.#counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit);
  }

  #fold(): void {
    this.folds++;
    const target = Math.floor(this.capacity * 0.75);
    const sorted = [...this.#counts.values()].sort((a, b) => a - b);
    // Fold everything at or below the count that frees the room (ties fold together).
    const threshold = sorted[this.#counts.size - target - 1] ?? 0;
    for (const [key, count] of this.#counts) {
      if (count <= threshold) {
        this.other += count;
        this.#counts.delete(key);
      }
    }
  }
}
