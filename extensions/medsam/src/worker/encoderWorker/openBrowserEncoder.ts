import { cachedFileSource } from '../cachedFileSource';
import { openModelPart } from '../openModelPart';
import { openOrtRuntime } from '../ortRuntime';
import type { OpenEncoder } from './serveEncoder';

/**
 * The encoder worker's session: its own onnxruntime-web (same build and providers as the inference worker,
 * its share of the threads) and the manifest's encoder file from the same model cache.
 */
export const openBrowserEncoder: OpenEncoder = async (settings, report) => {
  const { manifest, manifestUrl, backends, ortBaseUrl, allowSoftwareWebGpu, threads, modelCacheName } = settings;
  const runtime = await openOrtRuntime({ manifestUrl, backends, ortBaseUrl, ...(allowSoftwareWebGpu ? { allowSoftwareWebGpu } : {}), threads, embeddingCacheBytes: 0, modelCacheName });
  const source = cachedFileSource(manifestUrl, manifest, modelCacheName, (p) => report({ kind: 'download', part: 'encoder', loadedBytes: p.loadedBytes, totalBytes: p.totalBytes, fromCache: p.fromCache }));
  const session = await openModelPart(manifest, 'encoder', source, runtime.backend, (p) => {
    if (p.stage === 'verify' || p.stage === 'session') report({ kind: 'stage', stage: p.stage });
  });
  return { manifest, session, backend: runtime.backend.name, threads: runtime.threads };
};
