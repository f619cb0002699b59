/**
 * Writes one int16 slice as a minimal NIfTI-1 file (.nii), so tests can hand synthetic HU images to the CLI
 * through a format it reads. Rows run along the second voxel axis, as the reader expects.
 */
export function int16SliceToNifti(values: Int16Array, rows: number, columns: number, spacingMm = 1): Uint8Array {
  const header = new DataView(new ArrayBuffer(352));
  header.setInt32(0, 348, true); // sizeof_hdr
  const dims = [3, columns, rows, 1, 1, 1, 1, 1];
  dims.forEach((d, i) => header.setInt16(40 + 2 * i, d, true));
  header.setInt16(70, 4, true); // datatype: int16
  header.setInt16(72, 16, true); // bitpix
  [1, spacingMm, spacingMm, spacingMm].forEach((p, i) => header.setFloat32(76 + 4 * i, p, true));
  header.setFloat32(108, 352, true); // vox_offset
  header.setFloat32(112, 1, true); // scl_slope
  header.setFloat32(116, 0, true); // scl_inter
  [0x6e, 0x2b, 0x31, 0].forEach((b, i) => header.setUint8(344 + i, b)); // "n+1\0"
  const out = new Uint8Array(352 + values.byteLength);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 352);
  return out;
}

/** An int16 volume ([slice][row][column], column fastest) as a minimal NIfTI-1 file with the given voxel size. */
export function int16VolumeToNifti(values: Int16Array, slices: number, rows: number, columns: number, spacingMm: readonly [number, number, number]): Uint8Array {
  const bytes = int16SliceToNifti(values, rows, columns);
  const header = new DataView(bytes.buffer, bytes.byteOffset, 352);
  header.setInt16(40 + 2 * 3, slices, true); // dim[3]
  [1, spacingMm[0], spacingMm[1], spacingMm[2]].forEach((p, i) => header.setFloat32(76 + 4 * i, p, true));
  return bytes;
}
