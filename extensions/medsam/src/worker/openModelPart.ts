import { fileToOpen, loadModelPart, MedSamError, type InferenceBackend, type LoadProgress, type ModelManifest, type ModelPart, type ModelSession } from '@medsam-ohif/core';
import type { PersistentFileSource } from './cachedFileSource';

/**
 * Opens one model part and keeps its file in the model cache once its hash checked out; a file that fails the
 * check is dropped from the cache, so the next load downloads it again.
 */
export async function openModelPart(manifest: ModelManifest, part: ModelPart, source: PersistentFileSource, backend: InferenceBackend, onProgress: (p: LoadProgress) => void): Promise<ModelSession> {
  const file = fileToOpen(manifest[part], backend).file.file;
  try {
    const session = await loadModelPart(manifest, part, source, backend, onProgress);
    await source.persist(file);
    return session;
  } catch (e) {
    if (e instanceof MedSamError && e.code === 'MODEL_HASH_MISMATCH') await source.forget(file);
    throw e;
  }
}
