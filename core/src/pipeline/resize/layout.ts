/** Walking one axis of a dense row-major array (rows, columns, channels interleaved). */

/** Element stride of `axis` in a row-major array of shape `dims`. */
export function axisStride(dims: readonly number[], axis: number): number {
  let stride = 1;
  for (let a = dims.length - 1; a > axis; a--) stride *= dims[a];
  return stride;
}

/**
 * Offsets of the first element of every 1D line along `axis`, in row-major order of the other axes
 * (the order scipy's line iterator visits them; the order does not change any value).
 */
export function lineStarts(dims: readonly number[], axis: number): Int32Array {
  const total = dims.reduce((a, b) => a * b, 1);
  const len = dims[axis];
  const stride = axisStride(dims, axis);
  const starts = new Int32Array(len === 0 ? 0 : total / len);
  let k = 0;
  const block = stride * len;
  for (let outer = 0; outer < total; outer += block) {
    for (let inner = 0; inner < stride; inner++) starts[k++] = outer + inner;
  }
  return starts;
}
