// The order of work inside BoxDecoder: the warm-up decode first, the split's image part once per embedding
// (kept for the last few embeddings), the prompt part per box, the unsplit decoder when there is no split.
// The sessions here only record calls; that the split gives the unsplit decoder's logits with real
// onnxruntime is test/integration/decoder.split.test.ts.
import type { ModelManifest, ModelSession, SplitDecoder, Tensor } from '@medsam-ohif/core';
import { BoxDecoder } from './BoxDecoder';

const manifest = {
  inputSize: 1024,
  lowResSize: 256,
  embeddingDims: [1, 2, 2, 2],
  decoder: {
    contract: 'sam',
    inputs: { embedding: 'image_embeddings', pointCoords: 'point_coords', pointLabels: 'point_labels', maskInput: 'mask_input', hasMaskInput: 'has_mask_input' },
    outputs: { lowResLogits: 'low_res_masks' },
    maskIndex: 0,
  },
} as unknown as ModelManifest;

function recorder(name: string, log: string[], inputs: string[], outputs: string[]): ModelSession {
  const t = (): Tensor => ({ type: 'float32', dims: [1], data: new Float32Array(1) });
  return {
    inputs: inputs.map((n) => ({ name: n })),
    outputs: outputs.map((n) => ({ name: n })),
    async run(feeds) {
      const embedding = feeds.image_embeddings;
      log.push(`${name}(${Object.keys(feeds).sort().join(',')})${embedding ? `:${embedding.data[0]}` : ''}`);
      return Object.fromEntries(outputs.map((o) => [o, t()]));
    },
    release: async () => void log.push(`${name}.release`),
  };
}

const embedding = (v: number): Tensor => ({ type: 'float32', dims: [1, 2, 2, 2], data: new Float32Array(8).fill(v) });

describe('BoxDecoder', () => {
  it('with a split: warm-up first, image part once per embedding, prompt part per box, LRU of 4', async () => {
    const log: string[] = [];
    const decoder = recorder('decoder', log, ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input'], ['low_res_masks']);
    const split: SplitDecoder = {
      spec: { image: { file: 'i', sha256: 'x', outputs: ['k'] }, prompt: { file: 'p', sha256: 'y' } },
      image: recorder('image', log, ['image_embeddings'], ['k']),
      prompt: recorder('prompt', log, ['point_coords', 'point_labels', 'k'], ['low_res_masks']),
    };
    const boxes = new BoxDecoder(decoder, manifest, split);
    boxes.warmUp();
    const e = [1, 2, 3, 4, 5].map(embedding);
    const run = async (t: Tensor) => (await boxes.sessionFor(t)).run({ image_embeddings: t, point_coords: t, point_labels: t, mask_input: t, has_mask_input: t });
    await run(e[0]!);
    await run(e[0]!);
    expect(log).toEqual(['image(image_embeddings):0', 'prompt(k,point_coords,point_labels)', 'image(image_embeddings):1', 'prompt(k,point_coords,point_labels)', 'prompt(k,point_coords,point_labels)']);
    log.length = 0;
    for (const t of e.slice(1)) await run(t); // 5 embeddings seen: the first one is evicted
    await run(e[0]!);
    expect(log.filter((l) => l.startsWith('image'))).toEqual(['image(image_embeddings):2', 'image(image_embeddings):3', 'image(image_embeddings):4', 'image(image_embeddings):5', 'image(image_embeddings):1']);
    await boxes.release();
    expect(log.slice(-3).sort()).toEqual(['decoder.release', 'image.release', 'prompt.release']);
  });

  it('with a split and no unsplit decoder (the worker then never opens it)', async () => {
    const log: string[] = [];
    const split: SplitDecoder = {
      spec: { image: { file: 'i', sha256: 'x', outputs: ['k'] }, prompt: { file: 'p', sha256: 'y' } },
      image: recorder('image', log, ['image_embeddings'], ['k']),
      prompt: recorder('prompt', log, ['point_coords', 'point_labels', 'k'], ['low_res_masks']),
    };
    const boxes = new BoxDecoder(null, manifest, split);
    boxes.warmUp();
    await (await boxes.sessionFor(embedding(2))).run({ image_embeddings: embedding(2), point_coords: embedding(2), point_labels: embedding(2) });
    expect(log).toEqual(['image(image_embeddings):0', 'prompt(k,point_coords,point_labels)', 'image(image_embeddings):2', 'prompt(k,point_coords,point_labels)']);
    await boxes.release();
    expect(log.slice(-2).sort()).toEqual(['image.release', 'prompt.release']);
    expect(() => new BoxDecoder(null, manifest, null)).toThrow(/needs the decoder or its split/);
  });

  it('without a split: the unsplit decoder, after its warm-up', async () => {
    const log: string[] = [];
    const decoder = recorder('decoder', log, ['image_embeddings'], ['low_res_masks']);
    const boxes = new BoxDecoder(decoder, manifest, null);
    boxes.warmUp();
    const session = await boxes.sessionFor(embedding(7));
    expect(session).toBe(decoder);
    expect(log).toEqual(['decoder(has_mask_input,image_embeddings,mask_input,point_coords,point_labels):0']);
  });

  it('a failing warm-up does not fail the first box', async () => {
    const decoder = { ...recorder('decoder', [], [], []), run: () => Promise.reject(new Error('boom')) };
    const boxes = new BoxDecoder(decoder, manifest, null);
    boxes.warmUp();
    await expect(boxes.sessionFor(embedding(1))).resolves.toBe(decoder);
  });
});
