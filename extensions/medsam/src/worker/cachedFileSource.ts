import type { ModelFile, ModelFileSource, ModelManifest } from '@medsam-ohif/core';

export interface ReadProgress {
  readonly file: string;
  readonly loadedBytes: number;
  readonly totalBytes?: number;
  readonly fromCache: boolean;
}

/** A ModelFileSource that can also keep what it downloaded once the caller has checked it. */
export interface PersistentFileSource extends ModelFileSource {
  /** Stores a file read from the network (call after its hash was verified). */
  persist(file: string): Promise<void>;
  /** Drops a stored copy (e.g. one that failed verification). */
  forget(file: string): Promise<void>;
}

const HASH_PARAM = 'medsam-sha256';

/**
 * Model files located relative to the manifest URL, downloaded with byte progress and kept in Cache Storage
 * (when `cacheName` is set and the context has `caches`). The cache key carries the file's expected
 * SHA-256, so a new model version is a new key and stale copies are dropped when it is stored.
 */
export function cachedFileSource(
  manifestUrl: string,
  manifest: ModelManifest,
  cacheName: string | null,
  onProgress: (p: ReadProgress) => void,
): PersistentFileSource {
  const split = manifest.decoderSplit ? [manifest.decoderSplit.image, manifest.decoderSplit.prompt] : [];
  // Pre-optimised files (manifest `optimized`) are what the WASM runtime reads instead of the originals.
  const expected = new Map<string, ModelFile>([manifest.encoder, manifest.decoder, ...split].flatMap((f) => [[f.file, f], ...(f.optimized ? [[f.optimized.file, f.optimized] as const] : [])]));
  const pending = new Map<string, Uint8Array>();
  const urlOf = (file: string) => new URL(file, manifestUrl).href;
  const keyOf = (file: string) => {
    const url = new URL(urlOf(file));
    url.searchParams.set(HASH_PARAM, expected.get(file)?.sha256 ?? 'unknown');
    return url.href;
  };
  const openCache = async (): Promise<Cache | null> => {
    if (!cacheName || typeof caches === 'undefined') return null;
    try {
      return await caches.open(cacheName);
    } catch {
      return null; // e.g. storage disabled: work without it
    }
  };

  return {
    async read(file) {
      const cache = await openCache();
      const hit = await cache?.match(keyOf(file));
      if (hit) {
        const bytes = new Uint8Array(await hit.arrayBuffer());
        onProgress({ file, loadedBytes: bytes.length, totalBytes: bytes.length, fromCache: true });
        return bytes;
      }
      const bytes = await download(urlOf(file), expected.get(file)?.bytes, (loadedBytes, totalBytes) =>
        onProgress({ file, loadedBytes, totalBytes, fromCache: false }),
      );
      if (cache) pending.set(file, bytes);
      return bytes;
    },
    async persist(file) {
      const bytes = pending.get(file);
      pending.delete(file);
      const cache = await openCache();
      if (!bytes || !cache) return;
      const base = urlOf(file);
      for (const request of await cache.keys()) {
        const url = new URL(request.url);
        url.searchParams.delete(HASH_PARAM);
        if (url.href === base) await cache.delete(request);
      }
      try {
        await cache.put(keyOf(file), new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': 'application/octet-stream' } }));
      } catch {
        // Quota exceeded or storage disabled: the model still works, it is just downloaded again next time.
      }
    },
    async forget(file) {
      pending.delete(file);
      await (await openCache())?.delete(keyOf(file));
    },
  };
}

/** fetch() with progress in bytes; the total comes from Content-Length or, failing that, the manifest. */
async function download(url: string, expectedBytes: number | undefined, onProgress: (loaded: number, total?: number) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isFinite(length) && length > 0 ? length : expectedBytes;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress(bytes.length, total);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    const now = Date.now();
    if (now - lastReport >= 100) {
      lastReport = now;
      onProgress(loaded, total);
    }
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  onProgress(loaded, total ?? loaded);
  return bytes;
}
