/// <reference lib="webworker" />
import type { ComputedEmbedding } from './encoders/types';

/** Embeddings kept across page loads (IndexedDB), bounded in bytes; least recently used go first. */
export interface PersistentStore {
  get(key: string): Promise<ComputedEmbedding | undefined>;
  put(key: string, value: ComputedEmbedding, bytes: number): Promise<void>;
  clear(): Promise<void>;
}

export interface StoredMeta {
  readonly key: string;
  readonly bytes: number;
  readonly lastUsed: number;
}

/** Keys to delete so that the rest fits `maxBytes`, oldest use first. */
export function evictionOrder(metas: readonly StoredMeta[], maxBytes: number): string[] {
  let total = metas.reduce((sum, m) => sum + m.bytes, 0);
  const out: string[] = [];
  for (const m of [...metas].sort((a, b) => a.lastUsed - b.lastUsed)) {
    if (total <= maxBytes) break;
    out.push(m.key);
    total -= m.bytes;
  }
  return out;
}

const DB = 'medsam-embeddings';
const VALUES = 'values';
// Sizes and use times apart from the 4 MiB values, so eviction never reads an embedding.
const META = 'meta';

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
const committed = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });

/** Opens the store; null where IndexedDB is missing or refused (private windows): the session cache still works. */
export async function openPersistentStore(maxBytes: number, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<PersistentStore | null> {
  if (!factory || maxBytes <= 0) return null;
  let db: IDBDatabase;
  try {
    const open = factory.open(DB, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore(VALUES);
      open.result.createObjectStore(META, { keyPath: 'key' });
    };
    db = await done(open);
  } catch {
    return null;
  }
  return {
    async get(key) {
      const tx = db.transaction([VALUES, META], 'readwrite');
      const value = (await done(tx.objectStore(VALUES).get(key))) as ComputedEmbedding | undefined;
      const meta = (await done(tx.objectStore(META).get(key))) as StoredMeta | undefined;
      if (value && meta) tx.objectStore(META).put({ ...meta, lastUsed: Date.now() });
      await committed(tx);
      return value && meta ? value : undefined;
    },
    async put(key, value, bytes) {
      if (bytes > maxBytes) return;
      const tx = db.transaction([VALUES, META], 'readwrite');
      tx.objectStore(VALUES).put(value, key);
      tx.objectStore(META).put({ key, bytes, lastUsed: Date.now() } satisfies StoredMeta);
      const metas = (await done(tx.objectStore(META).getAll())) as StoredMeta[];
      for (const k of evictionOrder(metas, maxBytes)) {
        tx.objectStore(VALUES).delete(k);
        tx.objectStore(META).delete(k);
      }
      await committed(tx);
    },
    async clear() {
      const tx = db.transaction([VALUES, META], 'readwrite');
      tx.objectStore(VALUES).clear();
      tx.objectStore(META).clear();
      await committed(tx);
    },
  };
}
