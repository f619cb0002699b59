// Summary statistics of repeated measurements: median, p95 and the spread (min/max and IQR).

/** Linear interpolation between closest ranks (numpy's default), on an ascending array. */
function quantile(sorted, q) {
  if (sorted.length === 1) return sorted[0];
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples) {
  const values = samples.filter((v) => Number.isFinite(v));
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    mean,
  };
}

/** Rounds every number in a summary for JSON (0.01 ms is well below the noise). */
export function rounded(summary, digits = 2) {
  if (!summary) return summary;
  const f = 10 ** digits;
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * f) / f : v]));
}
