import { LruByteCache } from '../utils/LruByteCache';
import type { ComputedEmbedding } from './encoders/types';
import type { PersistentStore } from './persistentStore';

/**
 * Embeddings by key (embeddingKey.ts): a byte-bounded LRU in memory, backed by an optional persistent store.
 * Reports its keys after every change, so the panel can show which slices are ready.
 */
export class EmbeddingCache {
  private readonly lru: LruByteCache<ComputedEmbedding>;

  constructor(
    readonly maxBytes: number,
    private readonly store: PersistentStore | null,
    private readonly onKeys: (keys: readonly string[]) => void = () => undefined,
  ) {
    this.lru = new LruByteCache(maxBytes, (e) => e.embedding.data.byteLength);
  }

  get persistent(): boolean {
    return this.store !== null;
  }

  async get(key: string): Promise<ComputedEmbedding | undefined> {
    const hit = this.lru.get(key);
    if (hit || !this.store) return hit;
    let stored: ComputedEmbedding | undefined;
    try {
      stored = await this.store.get(key);
    } catch {
      return undefined; // a broken store costs a recomputation, never a failure
    }
    if (stored) this.remember(key, stored);
    return stored;
  }

  put(key: string, value: ComputedEmbedding): void {
    this.remember(key, value);
    this.store?.put(key, value, value.embedding.data.byteLength).catch(() => undefined);
  }

  keys(): string[] {
    return this.lru.keys();
  }

  clear(): void {
    this.lru.clear();
    this.store?.clear().catch(() => undefined);
    this.onKeys([]);
  }

  private remember(key: string, value: ComputedEmbedding): void {
    this.lru.set(key, value);
    this.onKeys(this.lru.keys());
  }
}
