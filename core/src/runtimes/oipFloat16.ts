/**
 * IEEE 754 binary16 ("FP16" on the wire) to and from float32. JavaScript has no Float16Array in Node 20 or
 * most browsers yet, so halves travel as raw Uint16 bit patterns.
 */

/** float32 → float16 bits, rounding to nearest with ties to even; overflow gives ±Inf, NaN stays NaN. */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfBits(bits[i]);
  return out;
}

function halfBits(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const abs = f & 0x7fffffff;
  if (abs >= 0x7f800000) return sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 | ((abs >>> 13) & 0x3ff) : 0);
  // 65520 is halfway between 65504 (largest half) and 65536: ties to even round it up to Inf.
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs >= 0x38800000) {
    // Normal half: rebias the exponent (127 → 15) and round the 13 dropped mantissa bits; a carry
    // correctly rolls into the exponent.
    const v = abs - 0x38000000;
    return sign | ((v + 0x0fff + ((v >>> 13) & 1)) >>> 13);
  }
  if (abs >= 0x33000000) {
    // Subnormal half k·2^-24: k = mantissa (with its implicit bit) shifted right by 126 − exponent.
    const exponent = abs >>> 23;
    const mantissa = (abs & 0x7fffff) | 0x800000;
    const shift = 126 - exponent;
    const k = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    return sign | (rest > half || (rest === half && (k & 1) === 1) ? k + 1 : k);
  }
  return sign; // below half the smallest subnormal: ±0
}

let table: Float32Array | undefined;

/** All 65536 halves as float32, built once (256 KB) because decoding an embedding touches a million. */
function decodeTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    table[h] =
      exponent === 0
        ? sign * mantissa * 2 ** -24
        : exponent === 31
          ? mantissa
            ? NaN
            : sign * Infinity
          : sign * (1024 + mantissa) * 2 ** (exponent - 25);
  }
  return table;
}

/** float16 bits → float32 values (exact: every half is a float32). */
export function float16ToFloat32(halves: Uint16Array): Float32Array {
  const t = decodeTable();
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = t[halves[i]];
  return out;
}
