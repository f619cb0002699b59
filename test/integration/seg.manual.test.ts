// A segment the user painted without MedSAM is described as MANUAL (no algorithm identification), beside
// MedSAM's SEMIAUTOMATIC ones, and the object stays valid for dciodvfy, our reader and pydicom.
import { buildSegmentation } from '../../extensions/medsam/src/seg/buildSegmentation';
import { readSegmentation } from '../../extensions/medsam/src/seg/readSegmentation';
import { dciodvfy, optionsFor, readWithPydicom, removeTemp, segmentsFor, SOURCE_SETS, syntheticMasks, writeTemp } from '../fixtures/seg/segCases';

afterAll(removeTemp);

describe.each(['binary', 'labelmap'] as const)('a hand-drawn segment beside a MedSAM one (%s)', (sopClass) => {
  const sources = SOURCE_SETS['CT series (CT5N, 5 slices)']();
  const [medsam, second] = segmentsFor();
  const manual = { segmentNumber: second.segmentNumber, label: 'Painted', target: 'kidney' as const };
  const bytes = buildSegmentation({ sources, segments: [medsam, manual], frames: syntheticMasks(sources), options: optionsFor(sopClass) });

  it('says MANUAL, without an algorithm', () => {
    const read = readSegmentation(bytes);
    expect(read.segments[0]).toMatchObject({ algorithmType: 'SEMIAUTOMATIC', algorithmName: 'MedSAM', normalization: medsam.normalization });
    expect(read.segments[1]).toMatchObject({ segmentNumber: 2, label: 'Painted', algorithmType: 'MANUAL' });
    expect(read.segments[1].algorithmName).toBeUndefined();
    expect(read.segments[1].modelName).toBeUndefined();
    const view = readWithPydicom(writeTemp(`manual-${sopClass}`, bytes));
    expect(view.segments.map((s) => [s.algorithmType, s.algorithmName])).toEqual([
      ['SEMIAUTOMATIC', 'MedSAM'],
      ['MANUAL', null],
    ]);
  });

  if (sopClass === 'binary') {
    it('dciodvfy: no errors', () => {
      const result = dciodvfy(writeTemp('manual-binary-dciodvfy', bytes));
      expect(result.output).toMatch(/Segmentation/);
      expect(result.errors).toEqual([]);
    });
  }
});
