// Every SEG the builder makes goes through dicom3tools' dciodvfy. BINARY objects must show no error at all.
// dicom3tools in Debian 12 (2022) predates Label Map Segmentation (DICOM 2024, Sup 243): it reports
// "Information Object Not found" for SOP Class …66.7, so a label map is also checked as a copy relabelled
// …66.4, where the only errors allowed are those from rules Sup 243 changed for label maps.
import { buildSegmentation } from '../../extensions/medsam/src/seg/buildSegmentation';
import { buildCase, dciodvfy, optionsFor, segmentsFor, SOURCE_SETS, syntheticMasks, removeTemp, writeTemp } from '../fixtures/seg/segCases';

afterAll(removeTemp);

const LABELMAP_UID = Buffer.from('1.2.840.10008.5.1.4.1.1.66.7');
const BINARY_UID = Buffer.from('1.2.840.10008.5.1.4.1.1.66.4');
const SUP243_CHANGES = [
  /Unrecognized enumerated value <LABELMAP> for value 1 of attribute <Segmentation Type>/,
  /Missing attribute Type 1 Required Element=<SegmentIdentificationSequence> Module=<SegmentationMacro>/,
  // Label maps may number segments freely; only the described background (segment 0) triggers these.
  /SegmentNumber not monotonically increasing from one by one - have SegmentSequence item number 1 \(from one\) with SegmentNumber of 0/,
  /Value is zero for value 1 of attribute <Segment Number>/,
];

/** Same-length UID swap in the file meta and the dataset: nothing else in the file moves. */
function relabelAsBinarySopClass(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  let at = out.indexOf(LABELMAP_UID);
  let swaps = 0;
  while (at >= 0) {
    BINARY_UID.copy(out, at);
    swaps++;
    at = out.indexOf(LABELMAP_UID, at + 1);
  }
  expect(swaps).toBe(2);
  return out;
}

function report(name: string, lines: string[]) {
  if (lines.length) console.log(`dciodvfy warnings for ${name}:\n  ${lines.join('\n  ')}`);
}

describe.each(Object.keys(SOURCE_SETS))('dciodvfy: SEG of %s', (name) => {
  it('BINARY (Segmentation Storage) has no errors', () => {
    const c = buildCase(name, 'binary');
    const result = dciodvfy(writeTemp(`${name}-binary`, c.bytes));
    report(`${name} (binary)`, result.warnings);
    expect(result.output).toMatch(/Segmentation/);
    expect(result.errors).toEqual([]);
  });

  it('LABELMAP (Label Map Segmentation Storage) has no errors beyond what dicom3tools 2022 cannot know', () => {
    const c = buildCase(name, 'labelmap');
    const original = dciodvfy(writeTemp(`${name}-labelmap`, c.bytes));
    expect(original.errors.filter((e) => !/Information Object Not found/.test(e))).toEqual([]);
    const relabelled = dciodvfy(writeTemp(`${name}-labelmap-as-66.4`, relabelAsBinarySopClass(c.bytes)));
    report(`${name} (label map, checked as 66.4)`, relabelled.warnings);
    expect(relabelled.output).toMatch(/Segmentation/);
    expect(relabelled.errors.filter((e) => !SUP243_CHANGES.some((rule) => rule.test(e)))).toEqual([]);
  });
});

describe('dciodvfy: variants', () => {
  const name = 'CT series (CT5N, 5 slices)';

  it.each([
    ['binary, every frame kept', { sopClass: 'binary', omitEmptyFrames: false }],
    ['label map, every frame kept', { sopClass: 'labelmap', omitEmptyFrames: false }],
    ['label map, background described', { sopClass: 'labelmap', describeBackground: true }],
  ] as const)('%s', (variant, extra) => {
    const c = buildCase(name, extra.sopClass, extra);
    const bytes = extra.sopClass === 'labelmap' ? relabelAsBinarySopClass(c.bytes) : c.bytes;
    const result = dciodvfy(writeTemp(`${name}-${variant}`, bytes));
    report(variant, result.warnings);
    expect(result.errors.filter((e) => !SUP243_CHANGES.some((rule) => rule.test(e)))).toEqual([]);
  });

  it('a lossy-compressed source makes a lossy-flagged SEG that is still valid', () => {
    const [source] = SOURCE_SETS['single CT (CT_small)']();
    const lossy = { ...source, LossyImageCompression: '01', LossyImageCompressionRatio: [12.5], LossyImageCompressionMethod: ['ISO_15444_1'] };
    const bytes = buildSegmentation({ sources: [lossy], segments: segmentsFor(), frames: syntheticMasks([lossy]), options: optionsFor('binary') });
    const result = dciodvfy(writeTemp('lossy source', bytes));
    report('lossy source', result.warnings);
    expect(result.errors).toEqual([]);
  });

  it('catches a broken object (the check has teeth)', () => {
    const c = buildCase(name, 'binary');
    const broken = Buffer.from(c.bytes);
    const at = broken.indexOf('SEMIAUTOMATIC');
    broken.write('SEMIAUTOMATIX', at);
    expect(dciodvfy(writeTemp('broken', broken)).errors.join('\n')).toMatch(/SEMIAUTOMATIX/);
  });
});
