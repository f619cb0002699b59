/**
 * A least-recently-used cache bounded by the total size of its values in bytes (not by entry count):
 * image embeddings are large and equal-sized for one model but differ between models.
 */
export class LruByteCache<V> {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {
    if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be ≥ 0, got ${maxBytes}`);
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Returns the value and marks it most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Stores a value as the most recently used one and evicts the least recently used ones until the total
   * fits. A value larger than the whole budget is not stored. Returns the evicted keys.
   */
  set(key: string, value: V): string[] {
    const bytes = this.sizeOf(value);
    this.delete(key);
    if (bytes > this.maxBytes) return [];
    const evicted: string[] = [];
    for (const [k, e] of this.entries) {
      if (this.used + bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.used -= e.bytes;
      evicted.push(k);
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    return evicted;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.used -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
