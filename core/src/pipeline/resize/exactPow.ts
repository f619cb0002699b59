/**
 * base^k for a non-negative integer k, rounded once (as glibc's pow is, in practice), where Math.pow in V8
 * is off by one ulp for some exponents. Uses double-double arithmetic (Dekker's exact product), so the only
 * rounding is the final one. Needed for bit parity of scipy's spline prefilter on short lines.
 */
export function exactPowInt(base: number, k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new Error(`exactPowInt needs a non-negative integer exponent, got ${k}`);
  let hi = 1;
  let lo = 0;
  let bHi = base;
  let bLo = 0;
  let e = k;
  while (e > 0) {
    if (e & 1) [hi, lo] = mulDD(hi, lo, bHi, bLo);
    e >>>= 1;
    if (e > 0) [bHi, bLo] = mulDD(bHi, bLo, bHi, bLo);
  }
  return hi + lo;
}

const SPLITTER = 134217729; // 2^27 + 1

/** Error of the double product a·b (Dekker/Veltkamp), exact while no intermediate underflows. */
function productError(a: number, b: number, p: number): number {
  const ta = SPLITTER * a;
  const aHi = ta - (ta - a);
  const aLo = a - aHi;
  const tb = SPLITTER * b;
  const bHi = tb - (tb - b);
  const bLo = b - bHi;
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

function mulDD(aHi: number, aLo: number, bHi: number, bLo: number): [number, number] {
  const p = aHi * bHi;
  const err = productError(aHi, bHi, p) + (aHi * bLo + aLo * bHi);
  const s = p + err;
  return [s, err - (s - p)];
}
