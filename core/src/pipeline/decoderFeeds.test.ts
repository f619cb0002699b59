import { decoderFeeds, selectMaskLogits } from './decoderFeeds';
import type { DecoderSpec } from './manifestTypes';

const sam: DecoderSpec = {
  file: 'd.onnx',
  sha256: 'a'.repeat(64),
  contract: 'sam',
  inputs: { embedding: 'emb', pointCoords: 'pc', pointLabels: 'pl', maskInput: 'mi', hasMaskInput: 'hm', origImSize: 'os' },
  outputs: { lowResLogits: 'low' },
  maskIndex: 0,
};
const embedding = { type: 'float32' as const, dims: [1, 256, 64, 64], data: new Float32Array(256 * 64 * 64) };

describe('decoderFeeds', () => {
  it('feeds the box as two points labelled 2 and 3 with an empty mask prompt (SAM contract)', () => {
    const feeds = decoderFeeds(sam, embedding, { x0: 10, y0: 20, x1: 30, y1: 40 }, 256, { rows: 100, columns: 200 });
    expect(Array.from(feeds.pc.data as Float32Array)).toEqual([10, 20, 30, 40]);
    expect(feeds.pc.dims).toEqual([1, 2, 2]);
    expect(Array.from(feeds.pl.data as Float32Array)).toEqual([2, 3]);
    expect(feeds.mi.dims).toEqual([1, 1, 256, 256]);
    expect((feeds.mi.data as Float32Array).every((v) => v === 0)).toBe(true);
    expect(Array.from(feeds.hm.data as Float32Array)).toEqual([0]);
    expect(Array.from(feeds.os.data as Float32Array)).toEqual([100, 200]);
    expect(feeds.emb).toBe(embedding);
  });

  it('feeds a single [1, 4] box to box-contract decoders', () => {
    const spec: DecoderSpec = { ...sam, contract: 'box', inputs: { embedding: 'emb', box: 'boxes' } };
    const feeds = decoderFeeds(spec, embedding, { x0: 1, y0: 2, x1: 3, y1: 4 }, 256, { rows: 8, columns: 8 });
    expect(Object.keys(feeds).sort()).toEqual(['boxes', 'emb']);
    expect(feeds.boxes.dims).toEqual([1, 4]);
  });
});

describe('selectMaskLogits', () => {
  it('takes the plane of the manifest mask index (token 0 for MedSAM), not another', () => {
    const data = new Float32Array(4 * 4 * 4);
    for (let k = 0; k < 4; k++) data.fill(k, k * 16, (k + 1) * 16);
    const logits = { type: 'float32' as const, dims: [1, 4, 4, 4], data };
    expect(Array.from(new Set(selectMaskLogits(logits, 0, 4)))).toEqual([0]);
    expect(Array.from(new Set(selectMaskLogits(logits, 3, 4)))).toEqual([3]);
    expect(() => selectMaskLogits(logits, 4, 4)).toThrow(/expected \[1, >4, 4, 4\]/);
  });
});
