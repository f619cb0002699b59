/** Test helper: the reference values of test/fixtures/io/io_reference.json and comparisons against them. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceImage } from '../pipeline/image';

export const FIXTURES = join(__dirname, '../../../test/fixtures/io');
export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

export interface ReferenceCase {
  readonly file: string;
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: 1 | 3;
  readonly dtype: string;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly sha256: string;
  readonly gridStride: [number, number];
  readonly grid: number[];
  readonly tolerance: number;
  // DICOM
  readonly frame?: number;
  readonly numberOfFrames?: number;
  readonly transferSyntaxUID?: string;
  readonly photometricInterpretation?: string;
  readonly modality?: string;
  readonly rescaleSlope?: number;
  readonly rescaleIntercept?: number;
  readonly pixelSpacing?: [number, number] | null;
  readonly sopInstanceUID?: string;
  readonly seriesInstanceUID?: string | null;
  readonly windowCenter?: number | null;
  readonly windowWidth?: number | null;
  readonly imagePositionPatient?: [number, number, number] | null;
  readonly imageOrientationPatient?: number[] | null;
  // NIfTI
  readonly slice?: number;
  readonly dims?: number[];
  readonly datatype?: number;
  readonly pixdim?: [number, number, number];
  readonly sclSlope?: number;
  readonly sclInter?: number;
  readonly volumeSum?: number;
}

interface ReferenceFile {
  readonly cases: Readonly<Record<string, ReferenceCase>>;
}

let cached: ReferenceFile | undefined;

export function referenceCases(): Readonly<Record<string, ReferenceCase>> {
  cached ??= JSON.parse(readFileSync(join(FIXTURES, 'io_reference.json'), 'utf8')) as ReferenceFile;
  return cached.cases;
}

/** The file of a case: absolute for the Debian files, else relative to test/fixtures/io. */
export function caseFile(ref: ReferenceCase): string {
  return ref.file.startsWith('/') ? ref.file : join(FIXTURES, ref.file);
}

const DTYPE_TO_ARRAY: Readonly<Record<string, string>> = {
  uint8: 'Uint8Array',
  int8: 'Int8Array',
  uint16: 'Uint16Array',
  int16: 'Int16Array',
  uint32: 'Uint32Array',
  int32: 'Int32Array',
  float32: 'Float32Array',
  float64: 'Float64Array',
};

export function arrayNameOf(dtype: string): string {
  return DTYPE_TO_ARRAY[dtype] ?? `unknown dtype ${dtype}`;
}

export interface Measured {
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly sha256: string;
  /** Largest |ours - reference| over the reference grid. */
  readonly gridMaxDiff: number;
}

export function measure(image: SourceImage, ref: ReferenceCase): Measured {
  const px = image.pixels;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < px.length; i++) {
    const v = px[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const sha256 = createHash('sha256').update(new Uint8Array(px.buffer, px.byteOffset, px.byteLength)).digest('hex');
  const [sr, sc] = ref.gridStride;
  const spp = image.samplesPerPixel;
  let k = 0;
  let gridMaxDiff = 0;
  for (let r = 0; r < image.rows; r += sr) {
    for (let c = 0; c < image.columns; c += sc) {
      for (let s = 0; s < spp; s++) {
        gridMaxDiff = Math.max(gridMaxDiff, Math.abs(px[(r * image.columns + c) * spp + s] - ref.grid[k++]));
      }
    }
  }
  if (k !== ref.grid.length) gridMaxDiff = Infinity; // shapes disagree
  return { sum, min, max, sha256, gridMaxDiff };
}
