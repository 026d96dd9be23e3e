/**
 * Response-time percentiles in fixed memory: a histogram of log-scale buckets, each 2 % wider than
 * the one before, from 1 µs to about 1.3 hours (0.001 ms × 1.02^1125 ≈ 4.7 × 10^6 ms). A percentile is
 * reported as its bucket's geometric middle, so its relative error is under 1 % (and values at the
 * ends are clamped into the first or last bucket). 1,126 counters, whatever the number of lines.
 */
const SMALLEST_MS = 0.001;
const GROWTH = 1.02;
const BUCKETS = 1126;
const LOG_GROWTH = Math.log(GROWTH);

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  add(ms: number): void {
    const index = ms <= SMALLEST_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(ms / SMALLEST_MS) / LOG_GROWTH));
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** The `fraction` quantile (0.5 → p50), within 1 %; undefined when nothing was added. */
  quantile(fraction: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(fraction * this.count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.#counts[index] ?? 0;
      if (seen >= rank) {
        const middle = SMALLEST_MS * GROWTH ** (index + 0.5);
        // Never report outside what was seen: the exact min and max bound every quantile.
        return Math.min(this.max, Math.max(this.min, middle));
      }
    }
    return this.max;
  }
}
