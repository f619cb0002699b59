import type { FileRun } from '@medsam-ohif/core';
import { decoderRunOf } from './decoderRun';

const opt: FileRun = {
  entry: 'decoder.optimized',
  file: 'decoder.opt.onnx',
  sha256: 'c'.repeat(64),
  preOptimizedFrom: { file: 'decoder.onnx', sha256: '8'.repeat(64), level: 'extended', onnxruntime: '1.30.0' },
};

describe('decoderRunOf', () => {
  it('keeps the files the browser ran', () => expect(decoderRunOf(['browser'], [opt])).toEqual({ browserFiles: [opt] }));
  it('says when the embedding service decoded, and both when a 3D run fell back', () => {
    expect(decoderRunOf(['service'], undefined)).toEqual({ service: true });
    expect(decoderRunOf(new Set(['service', 'browser'] as const), [opt])).toEqual({ browserFiles: [opt], service: true });
  });
  it('is undefined when the worker said nothing about its decoder', () => {
    expect(decoderRunOf([undefined], undefined)).toBeUndefined();
    expect(decoderRunOf([], [])).toBeUndefined();
  });
});
