/**
 * numpy's float64 sum (pairwise summation with 8 accumulators per block of up to 128 values), so that the
 * Gaussian kernel is normalised by exactly the same number scipy divides by.
 */
export function numpySum(values: Float64Array, start = 0, count = values.length - start): number {
  if (count < 8) {
    let res = 0;
    for (let i = 0; i < count; i++) res += values[start + i];
    return res;
  }
  if (count <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = values[start + j];
    let i = 8;
    const blocked = count - (count % 8);
    for (; i < blocked; i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < count; i++) res += values[start + i];
    return res;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, count - half);
}
