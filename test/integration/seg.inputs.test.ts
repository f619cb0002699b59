// buildSegmentation's contract at its edges: determinism for retried stores, defaults, how geometry that is
// not a tidy axial stack is encoded, and a clear SegError for every input it cannot turn into a valid SEG.
import { readFileSync } from 'node:fs';
import { buildSegmentation, DEFAULT_SOP_CLASS, newUid } from '../../extensions/medsam/src/seg';
import { SegError } from '../../extensions/medsam/src/seg/errors';
import { readPart10 } from '../../extensions/medsam/src/seg/part10';
import { readSegmentation } from '../../extensions/medsam/src/seg/readSegmentation';
import { sourceFromDataset } from '../../extensions/medsam/src/seg/sourceFromDataset';
import type { SegFrameMask, SegmentationInput, SegSourceInstance } from '../../extensions/medsam/src/seg/types';
import { buildCase, optionsFor, segmentsFor, SOURCE_SETS, syntheticMasks } from '../fixtures/seg/segCases';

type Node = Record<string, unknown>;
const items = (n: Node | undefined, key: string) => (n?.[key] ?? []) as Node[];

/** A synthetic 8×8 series: slice k at z = zs[k], optionally with its own spacing or orientation. */
function series(zs: number[], each: (k: number) => Partial<SegSourceInstance> = () => ({})): SegSourceInstance[] {
  return zs.map((z, k) => ({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: `2.25.77${k + 1}`,
    StudyInstanceUID: '2.25.71',
    SeriesInstanceUID: '2.25.72',
    FrameOfReferenceUID: '2.25.73',
    Rows: 8,
    Columns: 8,
    PixelSpacing: [0.7, 0.7],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: [0, 0, z],
    SliceThickness: 1.5,
    PatientName: 'Test^Patient',
    ...each(k),
  }));
}

const fullMasks = (sources: SegSourceInstance[], value = 1): SegFrameMask[] =>
  sources.map((s) => ({ sopInstanceUID: s.SOPInstanceUID, labels: new Uint8Array(64).fill(value) }));

const input = (sources: SegSourceInstance[], frames = fullMasks(sources), extra = {}): SegmentationInput => ({
  sources,
  segments: segmentsFor(),
  frames,
  options: { ...optionsFor('binary'), ...extra },
});

const parse = (bytes: Uint8Array) => readPart10(bytes).dataset;
const expectSegError = (fn: () => unknown, code: string, message: RegExp) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SegError);
    expect((e as SegError).code).toBe(code);
    expect((e as SegError).message).toMatch(message);
    return;
  }
  throw new Error('expected a SegError');
};

describe('retries and defaults', () => {
  it('gives byte-identical files for the same input, so a retried store overwrites rather than duplicates', () => {
    const a = buildCase('CT series (CT5N, 5 slices)', 'binary').bytes;
    const b = buildCase('CT series (CT5N, 5 slices)', 'binary').bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('defaults to BINARY Segmentation Storage and to now for the content date', () => {
    expect(DEFAULT_SOP_CLASS).toBe('binary');
    const sources = series([0, 1, 2]);
    const { sopClass: _omit, contentDateTime: _now, ...options } = optionsFor('binary');
    const ds = parse(buildSegmentation({ ...input(sources), options }));
    expect(ds.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(String(ds.ContentDate)).toMatch(/^\d{8}$/);
    expect(ds.ContentLabel).toBe('MEDSAM_TEST');
  });

  it('makes fresh 2.25 UIDs for the caller to keep', () => {
    const a = newUid();
    expect(a).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(newUid()).not.toBe(a);
  });
});

describe('geometry beyond a tidy axial stack', () => {
  it('orders frames along the slice normal whatever order the sources come in', () => {
    const sources = series([4, -2, 1]);
    const ds = parse(buildSegmentation(input(sources, fullMasks(sources).slice(0, 3), { sopClass: 'labelmap' })));
    const perFrame = items(ds, 'PerFrameFunctionalGroupsSequence');
    expect(perFrame.map((f) => (items(f, 'PlanePositionSequence')[0].ImagePositionPatient as number[])[2])).toEqual([-2, 1, 4]);
    expect(perFrame.map((f) => items(f, 'FrameContentSequence')[0].DimensionIndexValues)).toEqual([1, 2, 3]);
    const measures = items(items(ds, 'SharedFunctionalGroupsSequence')[0], 'PixelMeasuresSequence')[0];
    expect(measures.SpacingBetweenSlices).toBe(3);
  });

  it('leaves out SpacingBetweenSlices for uneven slices and uses the spacing when SliceThickness is missing', () => {
    const uneven = parse(buildSegmentation(input(series([0, 1, 3]))));
    expect(items(items(uneven, 'SharedFunctionalGroupsSequence')[0], 'PixelMeasuresSequence')[0].SpacingBetweenSlices).toBeUndefined();
    const noThickness = parse(buildSegmentation(input(series([0, 2, 4], () => ({ SliceThickness: undefined })))));
    expect(items(items(noThickness, 'SharedFunctionalGroupsSequence')[0], 'PixelMeasuresSequence')[0].SliceThickness).toBe(2);
  });

  it('moves pixel measures and orientation into the per-frame groups when the sources differ', () => {
    const sources = series([0, 1, 2], (k) => ({
      PixelSpacing: k === 2 ? [0.8, 0.8] : [0.7, 0.7],
      ImageOrientationPatient: k === 1 ? [1, 0, 0, 0, 0.9998476951563913, 0.01745240643728351] : [1, 0, 0, 0, 1, 0],
    }));
    const ds = parse(buildSegmentation(input(sources)));
    // The one shared item is empty (dciodvfy accepts that); dcmjs reads an empty item back as nothing.
    const shared = items(ds, 'SharedFunctionalGroupsSequence')[0];
    expect(shared?.PixelMeasuresSequence).toBeUndefined();
    expect(shared?.PlaneOrientationSequence).toBeUndefined();
    const perFrame = items(ds, 'PerFrameFunctionalGroupsSequence');
    // Segment 1 on slices 0, 1, 2; segment 2 has no voxels and so no frames.
    expect(perFrame.map((f) => items(f, 'PixelMeasuresSequence')[0].PixelSpacing)).toEqual([[0.7, 0.7], [0.7, 0.7], [0.8, 0.8]]);
    expect(items(perFrame[1], 'PlaneOrientationSequence')[0].ImageOrientationPatient).toEqual([1, 0, 0, 0, 0.99984769515639, 0.01745240643728]);
  });

  it('accepts explicit codes and frame number 1 for single-frame sources', () => {
    const sources = series([0]);
    const segments = segmentsFor().map((s, i) =>
      i === 0 ? { ...s, target: { category: { value: '85756007', scheme: 'SCT', meaning: 'Tissue' }, type: { value: '39607008', scheme: 'SCT', meaning: 'Lung' } } } : s,
    );
    const bytes = buildSegmentation({ ...input(sources, [{ sopInstanceUID: sources[0].SOPInstanceUID, frameNumber: 1, labels: new Uint8Array(64).fill(2) }]), segments });
    const read = readSegmentation(bytes);
    expect(read.segments[0].type).toEqual({ value: '39607008', scheme: 'SCT', meaning: 'Lung' });
    expect(read.frames).toHaveLength(1);
    expect(read.frames[0].frameNumber).toBeUndefined();
  });
});

describe('inputs that cannot make a valid SEG', () => {
  const sources = series([0, 1, 2]);

  it.each([
    ['no segments', () => buildSegmentation({ ...input(sources), segments: [] }), 'BAD_INPUT', /no segments/],
    ['segment numbers with a gap', () => buildSegmentation({ ...input(sources), segments: segmentsFor().map((s, i) => ({ ...s, segmentNumber: i * 2 + 1 })) }), 'BAD_INPUT', /1\.\.2/],
    ['a label value that is no segment', () => buildSegmentation(input(sources, fullMasks(sources, 3))), 'BAD_INPUT', /value 3/],
    ['a mask of the wrong size', () => buildSegmentation(input(sources, [{ sopInstanceUID: sources[0].SOPInstanceUID, labels: new Uint8Array(63) }])), 'BAD_INPUT', /8×8/],
    ['a mask for an unknown image', () => buildSegmentation(input(sources, [{ sopInstanceUID: '2.25.9', labels: new Uint8Array(64) }])), 'BAD_INPUT', /matches no source/],
    ['the same frame twice', () => buildSegmentation(input(sources, [...fullMasks(sources), fullMasks(sources)[0]])), 'BAD_INPUT', /twice/],
    ['nothing segmented', () => buildSegmentation(input(sources, fullMasks(sources, 0))), 'EMPTY', /empty/],
    ['a label longer than 64 characters', () => buildSegmentation({ ...input(sources), segments: segmentsFor().map((s) => ({ ...s, label: 'x'.repeat(65) })) }), 'BAD_INPUT', /longer than 64/],
    ['an unknown target', () => buildSegmentation({ ...input(sources), segments: segmentsFor().map((s) => ({ ...s, target: 'elbow' as 'liver' })) }), 'BAD_INPUT', /unknown target/],
    ['a malformed series UID', () => buildSegmentation(input(sources, undefined, { seriesInstanceUID: '1.2.03' })), 'BAD_INPUT', /seriesInstanceUID/],
    ['sources of different sizes', () => buildSegmentation(input(series([0, 1], (k) => ({ Rows: 8 + k })))), 'BAD_SOURCE', /differ in size/],
    ['two frames at one position', () => buildSegmentation(input(series([0, 0]))), 'BAD_SOURCE', /share one position/],
    ['a second frame of reference', () => buildSegmentation(input(series([0, 1], (k) => ({ FrameOfReferenceUID: `2.25.73${k}` })))), 'BAD_SOURCE', /frames of reference/],
    ['no slice thickness nor spacing', () => buildSegmentation(input(series([0], () => ({ SliceThickness: undefined })))), 'BAD_SOURCE', /SliceThickness/],
    ['a multi-frame mask without a frame number', () => {
      const [rt] = SOURCE_SETS['multi-frame RT Dose (15 frames, 10x10)']();
      return buildSegmentation(input([rt], [{ sopInstanceUID: rt.SOPInstanceUID, labels: new Uint8Array(100) }]));
    }, 'BAD_INPUT', /matches no source/],
  ] as const)('%s', (_name, fn, code, message) => expectSegError(fn, code, message));

  it('a real image without a frame of reference (693_J2KI) is refused with the reason', () => {
    const bytes = new Uint8Array(readFileSync('/usr/lib/python3/dist-packages/pydicom/data/test_files/693_J2KI.dcm'));
    expectSegError(() => sourceFromDataset(readPart10(bytes).dataset), 'BAD_SOURCE', /FrameOfReferenceUID/);
  });

  it('the reader refuses what is not a SEG', () => {
    const [ct] = SOURCE_SETS['single CT (CT_small)']();
    const notSeg = readFileSync('/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm');
    expectSegError(() => readSegmentation(new Uint8Array(notSeg)), 'BAD_SEG', new RegExp(ct.SOPClassUID.replace(/\./g, '\\.')));
    expectSegError(() => readSegmentation(new Uint8Array(10)), 'BAD_SEG', /not a readable DICOM/);
  });

  it('reads overlapping segments of a BINARY SEG made elsewhere into overlap layers, each segment whole', () => {
    // Two frames of different segments on the same source image, both covering voxel 0.
    const c = buildCase('single CT (CT_small)', 'binary');
    const masks = syntheticMasks(c.sources);
    expect(masks[0].labels[0]).toBe(1);
    const ds = parse(c.bytes);
    const perFrame = items(ds, 'PerFrameFunctionalGroupsSequence');
    expect(perFrame).toHaveLength(2); // segment 1, segment 2 of the single image
    // Segment 2's frame: set its first bit (frame 2 starts at bit 128×128).
    const bytes = Buffer.from(c.bytes);
    const pixelStart = bytes.length - Math.ceil((2 * 128 * 128) / 8);
    bytes[pixelStart + (128 * 128) / 8] |= 1;
    const frame = readSegmentation(bytes).frames[0];
    expect(frame.labels[0]).toBe(1); // segment 1 keeps its voxel
    expect(frame.overlapLayers).toHaveLength(1);
    expect(frame.overlapLayers![0][0]).toBe(2); // and segment 2 has it too
    const segment2 = (labels: Uint8Array) => labels.reduce((n, v) => n + (v === 2 ? 1 : 0), 0);
    expect(segment2(frame.labels) + segment2(frame.overlapLayers![0])).toBe(segment2(masks[0].labels) + 1);
  });
});
