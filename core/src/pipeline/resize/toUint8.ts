/**
 * numpy's astype(np.uint8) for values already inside [0, 255]: truncation toward zero (not rounding).
 * Values outside that range are clamped, where numpy would wrap; callers pass clipped resize output.
 */
export function truncateToUint8(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}
