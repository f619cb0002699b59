import { MedSamError } from '../pipeline/errors';
import { modelIdentity, parseManifest } from '../pipeline/manifest';
import type { ModelManifest } from '../pipeline/manifestTypes';
import type { FileRun } from '../pipeline/modelFile';
import { readManifestJson } from '../runtimes/nodeModelSource';

/** Reads and checks a model manifest (a path or URL); a missing or unreadable one is a model error. */
export async function loadManifest(location: string): Promise<ModelManifest> {
  let json: unknown;
  try {
    json = await readManifestJson(location);
  } catch (e) {
    throw new MedSamError('MODEL_UNAVAILABLE', `cannot read model manifest ${location}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseManifest(json);
}

/**
 * The model's part of every JSON summary; with the decoder files that ran where a command decoded (the identity
 * names the manifest's own files; `--backend wasm` opens the pre-optimised decoder where the manifest has one).
 */
export function modelSummary(manifest: ModelManifest, decoderFiles?: readonly FileRun[]) {
  return { name: manifest.name, identity: modelIdentity(manifest), testModel: manifest.testModel, ...(decoderFiles ? { decoderFiles } : {}) };
}
