import { algorithmParameters, parseAlgorithmParameters, segmentSequence } from './segments';
import type { SegSegmentInput } from './types';

const normalization = { rule: 'ct-window', lower: -500, upper: 1000, preset: 'medsam-paper' } as const;
const original = { file: 'decoder.onnx', sha256: '81a02e6bfc95485fd50108ef38808996ce9b30262e40b2ec678aa4426346932b' };
const optimized = {
  entry: 'decoder.optimized',
  file: 'decoder.opt.onnx',
  sha256: 'c6588e24ee9b750559e06e6da1d292596d36c4f9936a70822d4810020d6fc04d',
  preOptimizedFrom: { ...original, level: 'extended', onnxruntime: '1.30.0' },
};
const segment = (decoderRun?: NonNullable<SegSegmentInput['algorithm']>['decoderRun']): SegSegmentInput => ({
  segmentNumber: 1,
  label: 'Liver',
  algorithm: { name: 'MedSAM', modelName: 'medsam-ohif-test-tiny', modelVersion: 'medsam-ohif-test-tiny@1.0.0+baee63106c76.81a02e6bfc95', ...(decoderRun ? { decoderRun } : {}) },
  normalization,
});
const parametersOf = (s: SegSegmentInput) => {
  const item = segmentSequence([s], false)[0] as { SegmentationAlgorithmIdentificationSequence: { AlgorithmVersion: string; AlgorithmParameters: string }[] };
  return item.SegmentationAlgorithmIdentificationSequence[0];
};

describe('AlgorithmParameters', () => {
  it('names the pre-optimised decoder file that ran and the original it was saved from, both with full SHA-256', () => {
    const { AlgorithmVersion, AlgorithmParameters } = parametersOf(segment({ browserFiles: [optimized] }));
    expect(AlgorithmVersion).toBe('medsam-ohif-test-tiny@1.0.0+baee63106c76.81a02e6bfc95'); // the manifest's own files
    expect(AlgorithmParameters).toContain(
      `decoder run in the browser: decoder.opt.onnx (manifest decoder.optimized, SHA-256 ${optimized.sha256}, saved pre-optimised by onnxruntime 1.30.0 at level extended from decoder.onnx SHA-256 ${original.sha256});`,
    );
    expect(parseAlgorithmParameters(AlgorithmParameters)).toEqual(normalization);
  });

  it('names both parts of a split decoder, and the service where it decoded', () => {
    const parts = [
      { entry: 'decoderSplit.image', file: 'decoder_image.onnx', sha256: 'a'.repeat(64) },
      { entry: 'decoderSplit.prompt', file: 'decoder_prompt.onnx', sha256: 'b'.repeat(64) },
    ];
    expect(parametersOf(segment({ browserFiles: parts, service: true })).AlgorithmParameters).toContain(
      `decoder run in the browser: decoder_image.onnx (manifest decoderSplit.image, SHA-256 ${'a'.repeat(64)}) + decoder_prompt.onnx (manifest decoderSplit.prompt, SHA-256 ${'b'.repeat(64)}), and on the embedding service;`,
    );
    expect(parametersOf(segment({ service: true })).AlgorithmParameters).toMatch(/; decoder run on the embedding service; normalization=/);
  });

  it('stays as before for a result recorded without its decoder files', () => {
    expect(parametersOf(segment()).AlgorithmParameters).toBe(algorithmParameters(normalization));
    expect(algorithmParameters(normalization)).toMatch(/^MedSAM input: [^;]+; normalization=\{/);
  });
});
