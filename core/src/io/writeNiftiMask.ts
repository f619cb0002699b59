/**
 * Writes a binary mask volume (uint8 0/1, i fastest, then j, then k) as a single-file NIfTI with the input's
 * geometry: from a NIfTI input, its own header (qform, sform, pixdim, units kept; datatype, dims, scaling
 * and offset made a 3D uint8 volume's; header extensions dropped); from a DICOM series, a NIfTI-1 header
 * whose sform (code 1, scanner) maps voxel (column, row, slice) to RAS millimetres.
 */
import { imageError } from './errors';
import { parseNiftiHeader } from './niftiHeader';
import type { SeriesGeometry } from './readDicomSeries';

const N1 = { size: 348, data: 352, dim: 40, datatype: 70, bitpix: 72, voxOffset: 108, slope: 112, inter: 116, calMax: 124, calMin: 128 } as const;
const N2 = { size: 540, data: 544, dim: 16, datatype: 12, bitpix: 14, voxOffset: 168, slope: 176, inter: 184, calMax: 192, calMin: 200 } as const;

export interface MaskVolume {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  readonly voxels: Uint8Array;
}

function checkVolume(mask: MaskVolume): void {
  if (mask.voxels.length !== mask.columns * mask.rows * mask.slices) {
    throw new Error(`mask volume has ${mask.voxels.length} voxels, expected ${mask.columns}×${mask.rows}×${mask.slices}`);
  }
}

/** A mask with the header of the (gunzipped) NIfTI file it was computed from. */
export function niftiMaskLike(template: Uint8Array, mask: MaskVolume): Uint8Array {
  checkVolume(mask);
  const header = parseNiftiHeader(template);
  const [columns, rows = 1, slices = 1] = header.dims;
  if (columns !== mask.columns || rows !== mask.rows || slices !== mask.slices) {
    throw imageError(`mask ${mask.columns}×${mask.rows}×${mask.slices} does not match the NIfTI grid ${header.dims.join('×')}`);
  }
  const L = header.version === 1 ? N1 : N2;
  const out = new Uint8Array(L.data + mask.voxels.length);
  out.set(template.subarray(0, L.size), 0);
  const view = new DataView(out.buffer);
  const le = header.littleEndian;
  const dims = [3, columns, rows, slices, 1, 1, 1, 1];
  dims.forEach((d, i) => (header.version === 1 ? view.setInt16(L.dim + 2 * i, d, le) : view.setBigInt64(L.dim + 8 * i, BigInt(d), le)));
  view.setInt16(L.datatype, 2, le); // uint8
  view.setInt16(L.bitpix, 8, le);
  if (header.version === 1) {
    view.setFloat32(L.voxOffset, L.data, le);
    [L.slope, L.inter, L.calMax, L.calMin].forEach((o, i) => view.setFloat32(o, [1, 0, 1, 0][i], le));
  } else {
    view.setBigInt64(L.voxOffset, BigInt(L.data), le);
    [L.slope, L.inter, L.calMax, L.calMin].forEach((o, i) => view.setFloat64(o, [1, 0, 1, 0][i], le));
  }
  out.set(mask.voxels, L.data); // extension flag bytes after the header stay 0: no extensions
  return out;
}

/** A NIfTI-1 mask for a DICOM series: voxel (i = column, j = row, k = slice in series order) → RAS mm. */
export function niftiMaskForDicom(
  geometry: SeriesGeometry,
  pixelSpacing: readonly [number, number] | undefined,
  sliceSpacingMm: number | undefined,
  mask: MaskVolume,
): Uint8Array {
  checkVolume(mask);
  const buffer = new ArrayBuffer(N1.data + mask.voxels.length);
  const view = new DataView(buffer);
  view.setInt32(0, 348, true);
  [3, mask.columns, mask.rows, mask.slices, 1, 1, 1, 1].forEach((d, i) => view.setInt16(N1.dim + 2 * i, d, true));
  view.setInt16(N1.datatype, 2, true);
  view.setInt16(N1.bitpix, 8, true);
  const [rowSpacing, columnSpacing] = pixelSpacing ?? [1, 1];
  const sliceSpacing = sliceSpacingMm ?? 1;
  [1, columnSpacing, rowSpacing, sliceSpacing].forEach((p, i) => view.setFloat32(76 + 4 * i, p, true));
  view.setFloat32(N1.voxOffset, N1.data, true);
  view.setFloat32(N1.slope, 1, true);
  view.setFloat32(N1.calMax, 1, true);
  view.setUint8(123, 2); // xyzt_units: mm
  const { positions, orientation } = geometry;
  if (positions && orientation) {
    const origin = positions[0];
    const last = positions[positions.length - 1];
    const normal = [orientation[1] * orientation[5] - orientation[2] * orientation[4], orientation[2] * orientation[3] - orientation[0] * orientation[5], orientation[0] * orientation[4] - orientation[1] * orientation[3]];
    // The slice step is the real step between the first and last positions (its sign follows the order).
    const step = positions.length > 1 ? [0, 1, 2].map((a) => (last[a] - origin[a]) / (positions.length - 1)) : normal.map((n) => n * sliceSpacing);
    const lpsToRas = [-1, -1, 1];
    for (let a = 0; a < 3; a++) {
      const row = [orientation[a] * columnSpacing, orientation[3 + a] * rowSpacing, step[a], origin[a]].map((v) => v * lpsToRas[a]);
      row.forEach((v, i) => view.setFloat32(280 + 16 * a + 4 * i, v, true));
    }
    view.setInt16(254, 1, true); // sform_code: scanner anatomical
  }
  [0x6e, 0x2b, 0x31, 0].forEach((b, i) => view.setUint8(344 + i, b)); // "n+1\0"
  const out = new Uint8Array(buffer);
  out.set(mask.voxels, N1.data);
  return out;
}
