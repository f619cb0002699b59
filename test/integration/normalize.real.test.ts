import { readImageFile } from '../../core/src/io/readImageFile';
import { readFile } from 'node:fs/promises';
import { readNiftiVolume } from '../../core/src/io/readNifti';
import { normalizeImage, percentileBounds, type NormalizationSpec } from '../../core/src/pipeline/normalize';
import { referenceIndex, readU8 } from '../fixtures/reference/referenceFixtures';

// The normalised inputs in the resize fixtures were made by make_resize_fixtures.py with numpy exactly as
// MedSAM's reference does; here the real files go through the product's own readers and normaliser.
const real = referenceIndex().images.filter((i) => i.kind === 'real');

describe('intensity normalisation of the real test images matches the numpy reference exactly', () => {
  it.each(real.map((i) => [i.name, i] as const))('%s', async (_name, ref) => {
    const norm = ref.normalisation as { rule: string; window?: [number, number]; bounds?: [number, number]; scope?: string; slice?: string };
    const isNifti = ref.source.endsWith('.nii.gz');
    const loaded = await readImageFile(ref.source, isNifti ? { slice: 90 } : {});
    let spec: NormalizationSpec;
    if (norm.rule === 'ct-window') spec = { kind: 'ct-window' }; // the default window must be the paper's [-500, 1000]
    else if (norm.scope === 'volume') spec = { kind: 'percentile', bounds: percentileBounds(readNiftiVolume(await readFile(ref.source)).slices) };
    else spec = { kind: 'percentile' };
    const { image, record } = normalizeImage(loaded.image, spec);

    if (record.rule === 'ct-window') expect([record.lower, record.upper]).toEqual(norm.window);
    if (record.rule === 'percentile') {
      expect(record.lower).toBeCloseTo(norm.bounds![0], 9);
      expect(record.upper).toBeCloseTo(norm.bounds![1], 9);
    }
    const want = readU8(ref.input);
    // The NIfTI fixture slice is numpy's [:, :, k] (rows = first voxel axis); the reader's rows are the second axis.
    const got = isNifti ? transpose(image.data, image.rows, image.columns) : image.data;
    expect(got.length).toBe(want.length);
    let differing = 0;
    for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) differing++;
    expect(differing).toBe(0);
  });
});

function transpose(data: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = data[r * columns + c];
  return out;
}
