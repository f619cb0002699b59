/// <reference lib="webworker" />
import { openKeyValueStore, type KeyValueStore } from '../utils/idbStore';
import type { ComputedEmbedding } from './encoders/types';

export { evictionOrder, type StoredMeta } from '../utils/idbStore';

/** Embeddings kept across page loads (IndexedDB), bounded in bytes; least recently used go first. */
export type PersistentStore = KeyValueStore<ComputedEmbedding>;

/** Opens the store; null where IndexedDB is missing or refused (private windows): the session cache still works. */
export function openPersistentStore(maxBytes: number, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<PersistentStore | null> {
  return openKeyValueStore<ComputedEmbedding>('medsam-embeddings', maxBytes, factory);
}
