/**
 * A log-linear histogram of durations (8 buckets per power of two, so about 9% resolution) for the
 * wall-clock length of masked spans. The maximum of a million wall-clock samples is a garbage
 * collection or a JIT compile, not the allocator; a high percentile is what the allocator costs.
 */
const SUB = 8;
const BUCKETS = 40 * SUB;

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;

  /** Adds one sample in nanoseconds. */
  add(ns: number): void {
    this.count++;
    if (ns > this.max) this.max = ns;
    const i = ns < 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(ns) * SUB));
    this.counts[i]++;
  }

  /** The upper bound of the bucket holding the q-quantile (0 < q <= 1), in nanoseconds. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, 2 ** ((i + 1) / SUB));
    }
    return this.max;
  }
}
