import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { MedSamError } from '../pipeline/errors';
import { arrayNameOf, caseFile, measure, referenceCases, type ReferenceCase } from './ioReference.testutil';
import { readNiftiSlice, readNiftiVolume } from './readNifti';

const cases = referenceCases();
const niftiCases = Object.entries(cases).filter(([, ref]) => ref.dims !== undefined);
const CH2 = '/usr/share/mricron/templates/ch2.nii.gz';
const fixture = (name: string) => readFileSync(caseFile(cases[`fixture_${name}`]));

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(MedSamError);
    return (thrown as Error).message;
  }
  throw new Error('expected an error');
}

describe('readNiftiSlice against nibabel (test/fixtures/io/io_reference.json)', () => {
  it.each(niftiCases)('%s', (_name, ref: ReferenceCase) => {
    const image = readNiftiSlice(readFileSync(caseFile(ref)), ref.slice);
    expect([image.rows, image.columns, image.samplesPerPixel]).toEqual([ref.rows, ref.columns, 1]);
    expect(image.pixels.constructor.name).toBe(arrayNameOf(ref.dtype));
    expect(measure(image, ref)).toEqual({ sum: ref.sum, min: ref.min, max: ref.max, sha256: ref.sha256, gridMaxDiff: 0 });
    expect(image.rescaleSlope).toBe(ref.sclSlope);
    expect(image.rescaleIntercept).toBe(ref.sclInter);
    expect(image.nifti.datatype.code).toBe(ref.datatype);
    expect(image.nifti.dims).toEqual(ref.dims);
    const [px, py] = ref.pixdim ?? [NaN, NaN];
    expect(image.pixelSpacing?.[0]).toBeCloseTo(py, 5);
    expect(image.pixelSpacing?.[1]).toBeCloseTo(px, 5);
    expect(image.nifti.slice).toBe(ref.slice);
    expect(image.modality).toBe('MR');
  });
});

describe('readNiftiSlice layout and options', () => {
  // Each fixture voxel holds i * 100 + j * 10 + k (+ an offset per datatype): row r, column c must be i = c, j = r.
  it('puts dim[1] (i) along columns and dim[2] (j) along rows, with no reorientation', () => {
    const image = readNiftiSlice(fixture('int16_bigendian'), 2);
    expect([image.rows, image.columns]).toEqual([4, 5]);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 5; c++) expect(image.pixels[r * 5 + c]).toBe(c * 100 + r * 10 + 2);
    }
    expect(image.nifti).toMatchObject({ littleEndian: false, version: 1 });
  });

  it('reads NIfTI-2 and 4D files (volume option)', () => {
    expect(readNiftiSlice(fixture('float32_nifti2'), 0).nifti.version).toBe(2);
    const second = readNiftiSlice(fixture('int16_4d'), 1, { volume: 1 });
    expect(second.pixels[0]).toBe(1000 + 1);
    expect(second.nifti.volume).toBe(1);
    expect(messageOf(() => readNiftiSlice(fixture('int16_4d'), 1, { volume: 2 }))).toBe(
      'volume 2 is out of range: the file has 2 (0 to 1)',
    );
  });

  it('applies scl_slope / scl_inter as rescale (stored values unchanged)', () => {
    const image = readNiftiSlice(fixture('int16_scaled'), 1);
    expect([image.rescaleSlope, image.rescaleIntercept]).toEqual([0.5, -20]);
    expect(image.pixels[0]).toBe(1);
  });

  it('defaults to the middle slice and the modality MR, which can be overridden', () => {
    const image = readNiftiSlice(readFileSync(CH2), undefined, { modality: 'CT' });
    expect(image.nifti.slice).toBe(90);
    expect(image.modality).toBe('CT');
  });

  it('refuses out-of-range slices, bad headers, truncated data and header-only files', () => {
    const bytes = fixture('int16');
    expect(messageOf(() => readNiftiSlice(bytes, 3))).toBe('slice 3 is out of range: the volume has 3 slices (0 to 2)');
    expect(messageOf(() => readNiftiSlice(bytes, -1))).toMatch(/slice -1 is out of range/);
    expect(messageOf(() => readNiftiSlice(bytes.subarray(0, bytes.length - 10), 2))).toMatch(/^NIfTI image data is truncated/);
    expect(messageOf(() => readNiftiSlice(new Uint8Array(400)))).toBe('not a NIfTI file (header size is neither 348 nor 540)');
    expect(messageOf(() => readNiftiSlice(new Uint8Array(10)))).toMatch(/^not a NIfTI file/);
    const pair = Uint8Array.from(bytes);
    pair.set([0x6e, 0x69, 0x31, 0], 344); // "ni1": header of a .hdr/.img pair
    expect(messageOf(() => readNiftiSlice(pair))).toMatch(/\.hdr\/\.img pair/);
    const rgb = Uint8Array.from(bytes);
    new DataView(rgb.buffer).setInt16(70, 128, true);
    expect(messageOf(() => readNiftiSlice(rgb))).toBe('NIfTI datatype 128 (RGB24) is not supported');
    const gz = gzipSync(bytes);
    expect(messageOf(() => readNiftiSlice(gz.subarray(0, gz.length - 20)))).toMatch(/^gzip data is corrupt or truncated/);
  });
});

describe('readNiftiVolume', () => {
  it('gives every slice of ch2 as views into one voxel array', () => {
    const volume = readNiftiVolume(readFileSync(CH2));
    expect([volume.columns, volume.rows, volume.sliceCount]).toEqual([181, 217, 181]);
    expect(volume.voxels.length).toBe(181 * 217 * 181);
    let sum = 0;
    for (let i = 0; i < volume.voxels.length; i++) sum += volume.voxels[i];
    expect(sum).toBe(cases.ch2_middle.volumeSum);
    const middle = readNiftiSlice(readFileSync(CH2));
    expect(volume.slices[90].pixels).toEqual(middle.pixels);
    expect(volume.slices[10].pixels.buffer).toBe(volume.voxels.buffer);
  });
});
