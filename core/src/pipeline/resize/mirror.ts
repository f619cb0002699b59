/**
 * scipy.ndimage's 'mirror' boundary (d c b | a b c d | c b a), the mode scikit-image's 'reflect' maps to.
 * The edge sample is not repeated, so the extension is periodic with period 2·(len − 1).
 */

/** Mirror an integer sample index into [0, len). A 1-sample axis maps everything to 0. */
export function mirrorIndex(index: number, len: number): number {
  if (len <= 1) return 0;
  const period = 2 * len - 2;
  let i = index;
  if (i < 0) {
    i = period * Math.trunc(-i / period) + i;
    i = i <= 1 - len ? i + period : -i;
  } else if (i >= len) {
    i -= period * Math.trunc(i / period);
    if (i >= len) i = period - i;
  }
  return i;
}

/**
 * Mirror a real sampling coordinate the way scipy's map_coordinate does before spline evaluation.
 * Note the asymmetry, kept on purpose for bit parity: below 0 the coordinate is always reflected, while
 * above len − 1 it is only reflected once it reaches len (the spline's own mirrored indices cover the rest).
 */
export function mirrorCoordinate(x: number, len: number): number {
  if (x < 0) {
    if (len <= 1) return 0;
    const period = 2 * len - 2;
    let c = period * Math.trunc(-x / period) + x;
    c = c <= 1 - len ? c + period : -c;
    return c;
  }
  if (x > len - 1) {
    if (len <= 1) return 0;
    const period = 2 * len - 2;
    let c = x - period * Math.trunc(x / period);
    if (c >= len) c = period - c;
    return c;
  }
  return x;
}
