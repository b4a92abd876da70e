/** Summaries of repeated measurements: median and spread, and the geometric mean over traces. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /**
   * Half the interquartile range relative to the median: 0.05 means the middle half of the samples lie
   * within about ±5%. Quartiles rather than min-max, because a shared machine's outliers say nothing of
   * the contender.
   */
  spread: number;
  samples: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, spread: NaN, samples: 0 };
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], spread: (quantile(v, 0.75) - quantile(v, 0.25)) / 2 / median, samples: v.length };
}

/** Linear interpolation between closest ranks, on sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i] + (x - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

export function geomean(values: readonly number[]): number {
  if (values.length === 0 || values.some((x) => !(x > 0))) return NaN;
  return Math.exp(values.reduce((s, x) => s + Math.log(x), 0) / values.length);
}
