/**
 * The slices to embed around the shown one, nearest first: current, +1, -1, +2, -2 ... within the series.
 * Forward first because scrolling on through a series is the more common next step.
 */
export function planSlices(current: number, total: number, k: number): number[] {
  if (current < 0 || current >= total) return [];
  const out = [current];
  for (let d = 1; d <= k; d++) {
    if (current + d < total) out.push(current + d);
    if (current - d >= 0) out.push(current - d);
  }
  return out;
}

/** "12–16" style ranges of sorted positions (1-based for people), e.g. [11,12,13,20] → "12–14, 21". */
export function describeRanges(positions: readonly number[]): string {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i] + 1}` : `${sorted[i] + 1}–${sorted[j] + 1}`);
    i = j + 1;
  }
  return parts.join(', ');
}
