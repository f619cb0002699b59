import { createHash } from 'node:crypto';
import type { ServedModel } from '../models/servedModel';

/** One embedding the server computed, kept for its decoder. `values` lives in a SharedArrayBuffer: workers read it without a copy. */
export interface StoredEmbedding {
  readonly model: string;
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

/**
 * The embedding's content key: the model (name, version, encoder file hash) and the exact input bytes and
 * dims. The same key can only name the same embedding (the encoder is deterministic), so a client that
 * sends a key it got earlier, or that another client got for the same slice, can never get another image's
 * mask; an evicted key is simply unknown.
 */
export function embeddingId(model: ServedModel, dims: readonly number[], image: Uint8Array): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([model.name, model.version, model.manifest.encoder.sha256, dims]));
  h.update(image);
  return h.digest('hex');
}

/**
 * The embeddings the service computed, newest last, bounded by bytes: the oldest leave first. Reading one
 * makes it the newest (the slice a reader is working on stays).
 */
export class EmbeddingStore {
  private readonly entries = new Map<string, StoredEmbedding>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(id: string): StoredEmbedding | undefined {
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    this.entries.delete(id);
    this.entries.set(id, hit);
    return hit;
  }

  put(id: string, embedding: StoredEmbedding): void {
    if (embedding.values.byteLength > this.maxBytes) return;
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.bytes -= old.values.byteLength;
    }
    this.entries.set(id, embedding);
    this.bytes += embedding.values.byteLength;
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.values.byteLength;
    }
  }
}
