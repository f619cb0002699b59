/**
 * numpy.percentile (method "linear") of a multiset of values, computed exactly. Series-wide MR
 * normalisation feeds millions of voxels here, so integer data is counted in a histogram (O(n)) and only
 * non-integer data is sorted.
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) throw new Error('percentile of an empty set');
  const ranks = ps.map((p) => (p / 100) * (n - 1));
  const needed = new Set<number>();
  for (const r of ranks) {
    needed.add(Math.floor(r));
    needed.add(Math.min(Math.floor(r) + 1, n - 1));
  }
  const stats = orderStatistics(values, [...needed].sort((a, b) => a - b));
  return ranks.map((r) => {
    const lo = Math.floor(r);
    const hi = Math.min(lo + 1, n - 1);
    const a = stats.get(lo)!;
    const b = stats.get(hi)!;
    // numpy's linear method: a + (b - a) * fraction, written as numpy's _lerp does for the fraction < 0.5 side.
    const t = r - lo;
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  });
}

/** The k-th smallest values (0-based ranks, ascending), exactly. */
function orderStatistics(values: ArrayLike<number>, ranks: readonly number[]): Map<number, number> {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && !Number.isInteger(v)) integral = false;
  }
  const out = new Map<number, number>();
  if (integral && max - min <= 1 << 22) {
    const counts = new Uint32Array(max - min + 1);
    for (let i = 0; i < values.length; i++) counts[values[i] - min]++;
    let seen = 0;
    let next = 0;
    for (let bin = 0; bin < counts.length && next < ranks.length; bin++) {
      seen += counts[bin];
      while (next < ranks.length && ranks[next] < seen) out.set(ranks[next++], bin + min);
    }
    return out;
  }
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  for (const r of ranks) out.set(r, sorted[r]);
  return out;
}
