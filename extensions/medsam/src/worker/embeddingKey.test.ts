import { embeddingKey } from './embeddingKey';

const ref = { imageId: 'wadors:a/frames/1', sopInstanceUid: '1.2.3', frame: 1 };

describe('embeddingKey', () => {
  it('differs by model, image, frame and normalisation', () => {
    const base = embeddingKey('m@1', ref, { kind: 'ct-window', preset: 'medsam-paper' });
    expect(embeddingKey('m@2', ref, { kind: 'ct-window', preset: 'medsam-paper' })).not.toBe(base);
    expect(embeddingKey('m@1', { ...ref, sopInstanceUid: '1.2.4' }, { kind: 'ct-window', preset: 'medsam-paper' })).not.toBe(base);
    expect(embeddingKey('m@1', { ...ref, frame: 2 }, { kind: 'ct-window', preset: 'medsam-paper' })).not.toBe(base);
    expect(embeddingKey('m@1', ref, { kind: 'ct-window', preset: 'soft-tissue' })).not.toBe(base);
    expect(embeddingKey('m@1', ref, { kind: 'ct-window', window: { lower: -500, upper: 1000 } })).not.toBe(base);
  });

  it('is the same for specs that mean the same', () => {
    const a = embeddingKey('m', ref, { kind: 'percentile', bounds: { lower: 1, upper: 2 } });
    const b = embeddingKey('m', ref, { bounds: { upper: 2, lower: 1 }, kind: 'percentile' } as const);
    expect(a).toBe(b);
  });
});
