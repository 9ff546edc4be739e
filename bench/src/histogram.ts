/**
 * Log-bucketed latency histogram: buckets grow by 1 %, from 1 µs to about an hour, so a percentile is
 * exact to within 1 % and the whole thing travels over IPC as a few hundred numbers.
 */

const MIN_MS = 0.001;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 2200;

export interface SerializedHistogram {
  /** [bucket, count] pairs for the non-empty buckets. */
  buckets: [number, number][];
  count: number;
  /** Values below zero, recorded as zero. */
  negatives: number;
  min: number;
  max: number;
  sum: number;
}

function bucketOf(ms: number): number {
  if (ms <= MIN_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

function bucketUpperBound(bucket: number): number {
  return bucket === 0 ? MIN_MS : MIN_MS * GROWTH ** bucket;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  negatives = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;

  record(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    if (ms < 0) this.negatives++;
    const bucket = bucketOf(Math.max(0, ms));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
  }

  merge(other: SerializedHistogram): void {
    for (const [bucket, count] of other.buckets) this.counts[bucket] = (this.counts[bucket] ?? 0) + count;
    this.count += other.count;
    this.negatives += other.negatives;
    this.sum += other.sum;
    if (other.count > 0) {
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
    }
  }

  /** The q-quantile (0 < q ≤ 1) with negative values counted as 0; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return Math.min(bucketUpperBound(bucket), Math.max(0, this.max));
    }
    return Math.max(0, this.max);
  }

  serialize(): SerializedHistogram {
    const buckets: [number, number][] = [];
    this.counts.forEach((count, bucket) => {
      if (count > 0) buckets.push([bucket, count]);
    });
    return {
      buckets,
      count: this.count,
      negatives: this.negatives,
      min: this.min,
      max: this.max,
      sum: this.sum,
    };
  }
}
