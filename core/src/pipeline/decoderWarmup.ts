import type { ModelSession } from './backend';
import { decoderFeeds } from './decoderFeeds';
import type { ModelManifest } from './manifestTypes';
import { decoderImageFeatures, promptDecoderSession, type SplitDecoder } from './splitDecoder';

/**
 * One throw-away decode on a zero embedding, right after the decoder opens: a fresh WASM session's first
 * decodes run slower until V8 has optimised the hot code, and this pays that before the first real box
 * (bench suite decoder-variants, mode "first"). With a split decoder, its two parts are what boxes will run.
 * Returns the milliseconds it took.
 */
export async function warmUpDecoder(decoder: ModelSession | null, manifest: ModelManifest, split?: SplitDecoder | null): Promise<number> {
  const t0 = globalThis.performance.now();
  const dims = manifest.embeddingDims;
  const embedding = { type: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
  const session = split ? promptDecoderSession(split, await decoderImageFeatures(split, manifest, embedding)) : decoder;
  if (!session) throw new Error('warmUpDecoder needs the decoder or its split');
  const s = manifest.inputSize;
  const box = { x0: s * 0.25, y0: s * 0.25, x1: s * 0.75, y1: s * 0.75 };
  await session.run(decoderFeeds(manifest.decoder, embedding, box, manifest.lowResSize, { rows: s, columns: s }), [manifest.decoder.outputs.lowResLogits]);
  return globalThis.performance.now() - t0;
}
