/**
 * A key → value store in IndexedDB that lasts across page loads, bounded in bytes: least recently used
 * entries go first. The embedding cache (in the worker) and the local drafts of unsaved segmentations (on
 * the page) each open their own database through it.
 */
export interface KeyValueStore<T> {
  get(key: string): Promise<T | undefined>;
  put(key: string, value: T, bytes: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
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

const VALUES = 'values';
// Sizes and use times apart from the values, so eviction and listing never read a value.
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

/** Opens the database; null where IndexedDB is missing or refused (private windows): callers work without it. */
export async function openKeyValueStore<T>(database: string, maxBytes: number, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<KeyValueStore<T> | null> {
  if (!factory || maxBytes <= 0) return null;
  let db: IDBDatabase;
  try {
    const open = factory.open(database, 1);
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
      const value = (await done(tx.objectStore(VALUES).get(key))) as T | undefined;
      const meta = (await done(tx.objectStore(META).get(key))) as StoredMeta | undefined;
      if (value !== undefined && meta) tx.objectStore(META).put({ ...meta, lastUsed: Date.now() });
      await committed(tx);
      return value !== undefined && meta ? value : undefined;
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
    async delete(key) {
      const tx = db.transaction([VALUES, META], 'readwrite');
      tx.objectStore(VALUES).delete(key);
      tx.objectStore(META).delete(key);
      await committed(tx);
    },
    async keys() {
      const tx = db.transaction(META, 'readonly');
      const keys = (await done(tx.objectStore(META).getAllKeys())) as IDBValidKey[];
      await committed(tx);
      return keys.map(String);
    },
    async clear() {
      const tx = db.transaction([VALUES, META], 'readwrite');
      tx.objectStore(VALUES).clear();
      tx.objectStore(META).clear();
      await committed(tx);
    },
  };
}
