import {
  decoderImageFeatures,
  promptDecoderSession,
  releaseSplitDecoder,
  warmUpDecoder,
  type DecoderImageFeatures,
  type ModelManifest,
  type ModelSession,
  type SplitDecoder,
  type Tensor,
} from '@medsam-ohif/core';

/** Image features of this many embeddings are kept (6 MiB each for SAM's decoder): the slices being worked on. */
const FEATURE_SLOTS = 4;

/**
 * The decoder as boxes use it, inside the worker: the split decoder when the manifest has one (its image part
 * run once per embedding and kept beside it), else the unsplit decoder; and a warm-up decode right after load,
 * which the first box waits for rather than running beside it.
 */
export class BoxDecoder {
  private readonly features = new Map<Tensor, Promise<DecoderImageFeatures>>();
  private warm: Promise<unknown> = Promise.resolve();

  /** `decoder` may be null where the split decoder serves (the unsplit one is then never opened). */
  constructor(
    private readonly decoder: ModelSession | null,
    private readonly manifest: ModelManifest,
    private readonly split: SplitDecoder | null,
  ) {
    if (!decoder && !split) throw new Error('BoxDecoder needs the decoder or its split');
  }

  get isSplit(): boolean {
    return this.split !== null;
  }

  /** Starts the throw-away decode; a failure here is not the user's (a real box reports its own). */
  warmUp(): void {
    this.warm = warmUpDecoder(this.decoder, this.manifest, this.split).catch(() => undefined);
  }

  /** The session a box on `embedding` runs: decodeModelBox / segmentBox take it as the decoder. */
  async sessionFor(embedding: Tensor): Promise<ModelSession> {
    await this.warm;
    if (!this.split) return this.decoder!;
    return promptDecoderSession(this.split, await this.imageFeatures(this.split, embedding));
  }

  async release(): Promise<void> {
    this.features.clear();
    await Promise.allSettled([...(this.decoder ? [this.decoder.release()] : []), ...(this.split ? [releaseSplitDecoder(this.split)] : [])]);
  }

  private imageFeatures(split: SplitDecoder, embedding: Tensor): Promise<DecoderImageFeatures> {
    let hit = this.features.get(embedding);
    if (hit) {
      this.features.delete(embedding); // most recently used last
    } else {
      hit = decoderImageFeatures(split, this.manifest, embedding);
      hit.catch(() => this.features.delete(embedding));
    }
    this.features.set(embedding, hit);
    while (this.features.size > FEATURE_SLOTS) this.features.delete(this.features.keys().next().value as Tensor);
    return hit;
  }
}
