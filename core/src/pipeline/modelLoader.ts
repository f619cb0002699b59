import type { InferenceBackend, ModelSession } from './backend';
import { MedSamError } from './errors';
import { sha256Hex } from './hash';
import type { ModelManifest } from './manifestTypes';
import { checkDecoderContract, checkEncoderContract } from './modelContract';
import { fileToOpen } from './modelFile';

export type ModelPart = 'encoder' | 'decoder';

/** Reads the files a manifest names (from disk, over HTTP, from browser storage ...). */
export interface ModelFileSource {
  read(file: string, onProgress?: (loadedBytes: number, totalBytes: number | undefined) => void): Promise<Uint8Array>;
}

export interface LoadProgress {
  readonly part: ModelPart;
  readonly stage: 'download' | 'verify' | 'session';
  readonly loadedBytes?: number;
  readonly totalBytes?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Reads one part of a model, checks its SHA-256 against the manifest, opens it on the backend and checks
 * the session's real input/output names and shapes against the manifest's contract.
 */
export async function loadModelPart(
  manifest: ModelManifest,
  part: ModelPart,
  source: ModelFileSource,
  backend: InferenceBackend,
  onProgress?: (p: LoadProgress) => void,
): Promise<ModelSession> {
  const { file: spec, preOptimized } = fileToOpen(manifest[part], backend);
  let bytes: Uint8Array;
  try {
    bytes = await source.read(spec.file, (loadedBytes, totalBytes) =>
      onProgress?.({ part, stage: 'download', loadedBytes, totalBytes: totalBytes ?? spec.bytes }),
    );
  } catch (e) {
    throw new MedSamError('MODEL_UNAVAILABLE', `cannot read the ${part} file "${spec.file}" of model ${manifest.name}: ${message(e)}`);
  }
  onProgress?.({ part, stage: 'verify', loadedBytes: bytes.length, totalBytes: bytes.length });
  const actual = await sha256Hex(bytes);
  if (actual !== spec.sha256) {
    throw new MedSamError(
      'MODEL_HASH_MISMATCH',
      `the ${part} file "${spec.file}" (${bytes.length} bytes) has SHA-256 ${actual}, but model ${manifest.name} expects ${spec.sha256}: the file is corrupt, incomplete or a different model`,
    );
  }
  onProgress?.({ part, stage: 'session' });
  let session: ModelSession;
  try {
    session = await backend.createSession(bytes, { preOptimized });
  } catch (e) {
    throw new MedSamError('MODEL_UNAVAILABLE', `${backend.name} cannot open the ${part} file "${spec.file}": ${message(e)}`);
  }
  try {
    if (part === 'encoder') checkEncoderContract(session, manifest.encoder, manifest);
    else checkDecoderContract(session, manifest.decoder, manifest);
  } catch (e) {
    await session.release();
    throw e;
  }
  return session;
}
