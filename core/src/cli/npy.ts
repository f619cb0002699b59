/** NumPy .npy (format 1.0) for the arrays the CLI writes, so Python users can np.load them. */
export type NpyArray =
  | { readonly dtype: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly dtype: 'uint8'; readonly data: Uint8Array; readonly dims: readonly number[] };

const DESCR = { float32: '<f4', uint8: '|u1' } as const;

export function toNpy(array: NpyArray): Uint8Array {
  const { dims, data } = array;
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape [${dims.join(', ')}] holds ${count} values, the data ${data.length}`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces and a newline to 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  if (array.dtype === 'uint8') {
    out.set(array.data, total);
  } else {
    const body = new DataView(out.buffer, total);
    for (let i = 0; i < array.data.length; i++) body.setFloat32(i * 4, array.data[i], true);
  }
  return out;
}

/** A float32 tensor as a .npy file (e.g. an embedding). */
export function float32ToNpy(data: Float32Array, dims: readonly number[]): Uint8Array {
  return toNpy({ dtype: 'float32', data, dims });
}
