import { MedSamError, prepareImage, type ModelManifest, type ModelSession, type NormalizationRecord, type NormalizationSpec, type PreparedImage, type SourceImage } from '@medsam-ohif/core';
import type { OipImageEncoder } from '@medsam-ohif/core/src/runtimes/oipClient';
import type { OipServiceDecoder } from '@medsam-ohif/core/src/runtimes/oipDecoder';
import type { DecoderBackend } from '../../config';
import { isServiceGone } from '../encoders/serviceFailure';
import type { Report } from '../encoders/types';
import { cancelled } from '../WorkerError';

/** A slice whose embedding the service keeps: its id there and what the decoder needs of the slice. */
export interface KeptEmbedding {
  readonly embeddingId: string;
  /** The compact image stays too, so an evicted embedding can be encoded again without the source image. */
  readonly prepared: PreparedImage;
  readonly normalization: NormalizationRecord;
  readonly timings: Record<string, number>;
}

/** Kept slices remembered here (1 MiB of compact image each for MedSAM): more than a 40-slice propagation. */
const KEPT_SLOTS = 64;

const isGone = (e: unknown) => e instanceof Error && (e as { failure?: unknown }).failure === 'embedding-gone';

/**
 * The decoder on the embedding service (issue 10): the image is encoded there and the embedding stays there
 * (encodeKept: only its id comes back); each box sends its prompt and gets the low-res logits back, and the
 * mask is made here as always. Chosen at load: "service" requires the service's decoder, "auto" uses it when
 * the service lists it (its decoder model is ready and the server keeps embeddings), "browser" never.
 * An embedding the service has dropped is encoded again once from the kept compact image; never another
 * slice's mask.
 */
export class ServiceDecoding {
  private readonly kept = new Map<string, KeptEmbedding>();
  private available = false;

  constructor(
    /** The compact-image manifest the service's encoder takes (serviceEncoder's compactManifest). */
    private readonly compact: ModelManifest,
    private readonly backend: DecoderBackend,
    private readonly encoder: OipImageEncoder | null,
    private readonly decoder: OipServiceDecoder | null,
    private readonly onKeys: () => void = () => undefined,
  ) {}

  /** "service": a failure of the service's decoder fails the box instead of falling back to the browser. */
  get required(): boolean {
    return this.backend === 'service';
  }

  /** Whether boxes are decoded on the service (after start()). */
  get active(): boolean {
    return this.available;
  }

  /** At model load: "service" fails plainly when the service cannot decode; "auto" chooses; a browser encoder means the browser decodes. */
  async start(signal?: AbortSignal): Promise<void> {
    this.available = false;
    if (this.backend === 'browser') return;
    // The browser encodes (chosen in the panel): the service holds no embedding to decode on.
    if (!this.encoder || !this.decoder) return;
    try {
      await this.decoder.checkAvailable(signal);
      this.available = true;
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      if (this.backend === 'service') throw new MedSamError('MODEL_UNAVAILABLE', `the "service" decoder backend cannot decode on the embedding service: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** After the service failed: boxes go back to the browser until the next model load. */
  stop(): void {
    this.available = false;
  }

  get(key: string): KeptEmbedding | undefined {
    const hit = this.kept.get(key);
    if (hit) {
      this.kept.delete(key);
      this.kept.set(key, hit);
    }
    return hit;
  }

  keys(): string[] {
    return [...this.kept.keys()];
  }

  /** Encodes the slice on the service and remembers the kept embedding's id under the cache key. */
  async keep(key: string, image: SourceImage, normalization: NormalizationSpec, signal: AbortSignal | undefined, report: Report): Promise<KeptEmbedding> {
    report({ kind: 'stage', stage: 'normalize' });
    const prepared = prepareImage(image, this.compact, normalization);
    report({ kind: 'stage', stage: 'encode' });
    const t0 = performance.now();
    const embeddingId = await this.requireEncoder().encodeKept(prepared, signal);
    const entry: KeptEmbedding = { embeddingId, prepared, normalization: prepared.normalization, timings: { ...prepared.timings, encode: performance.now() - t0 } };
    this.remember(key, entry);
    return entry;
  }

  /**
   * Runs `use` with the service's decoder on the slice's kept embedding; if the service has dropped it, the
   * kept compact image is encoded there again (one retry) and `use` runs on the new id.
   */
  async withDecoder<T>(key: string, entry: KeptEmbedding, signal: AbortSignal | undefined, use: (session: ModelSession, entry: KeptEmbedding) => Promise<T>): Promise<T> {
    const decoder = this.requireDecoder();
    try {
      return await use(decoder.session(entry.embeddingId, signal), entry);
    } catch (e) {
      if (!isGone(e)) throw e;
    }
    const embeddingId = await this.requireEncoder().encodeKept(entry.prepared, signal);
    const again = { ...entry, embeddingId };
    this.remember(key, again);
    return use(decoder.session(embeddingId, signal), again);
  }

  /** A failure that means the service is gone (not a refusal): "auto" then decodes in the browser. */
  isServiceGone(e: unknown): boolean {
    return isServiceGone(e);
  }

  private remember(key: string, entry: KeptEmbedding): void {
    this.kept.delete(key);
    this.kept.set(key, entry);
    while (this.kept.size > KEPT_SLOTS) this.kept.delete(this.kept.keys().next().value as string);
    this.onKeys();
  }

  private requireEncoder(): OipImageEncoder {
    if (!this.encoder) throw new MedSamError('MODEL_UNAVAILABLE', 'no embedding service is configured');
    return this.encoder;
  }

  private requireDecoder(): OipServiceDecoder {
    if (!this.decoder) throw new MedSamError('MODEL_UNAVAILABLE', 'no embedding service is configured');
    return this.decoder;
  }
}
