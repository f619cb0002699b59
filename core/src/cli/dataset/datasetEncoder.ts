// The encoder that makes the dataset's embeddings: in this process (onnxruntime-node) or the embedding
// service (OIP v2, ours or Triton). Either way the identity recorded is the manifest's encoder.
import { checkEmbedding, sessionEncoder, type ImageEncoder } from '../../pipeline/predictor';
import { loadModelPart } from '../../pipeline/modelLoader';
import { modelIdentity } from '../../pipeline/manifest';
import type { ModelManifest } from '../../pipeline/manifestTypes';
import { createNodeBackend } from '../../runtimes/backendChoice';
import { nodeModelSource } from '../../runtimes/nodeModelSource';
import { oipEncoder } from '../../runtimes/oipClient';

/** What makes two datasets' embeddings comparable: the same encoder file (by hash) behind the same preprocessing. */
export interface EncoderIdentity {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly modelIdentity: string;
  readonly testModel: boolean;
  readonly encoderFile: string;
  readonly encoderSha256: string;
  readonly encoderInputFormat: string;
  readonly profile: string;
  readonly inputSize: number;
  readonly embeddingDims: readonly number[];
}

export function encoderIdentity(manifest: ModelManifest): EncoderIdentity {
  return {
    modelName: manifest.name,
    modelVersion: manifest.version,
    modelIdentity: modelIdentity(manifest),
    testModel: manifest.testModel,
    encoderFile: manifest.encoder.file,
    encoderSha256: manifest.encoder.sha256,
    encoderInputFormat: manifest.encoder.inputFormat,
    profile: manifest.profile,
    inputSize: manifest.inputSize,
    embeddingDims: manifest.embeddingDims,
  };
}

/** Null when the same; else the difference in words. */
export function encoderDifference(a: EncoderIdentity, b: EncoderIdentity): string | null {
  if (a.encoderSha256 !== b.encoderSha256) return `encoder SHA-256 ${a.encoderSha256.slice(0, 12)}… (${a.modelName}@${a.modelVersion}) vs ${b.encoderSha256.slice(0, 12)}… (${b.modelName}@${b.modelVersion})`;
  if (a.profile !== b.profile || a.inputSize !== b.inputSize) return `preprocessing ${a.profile}/${a.inputSize} vs ${b.profile}/${b.inputSize}`;
  return null;
}

export interface DatasetEncoder extends ImageEncoder {
  readonly backend: string;
  release(): Promise<void>;
}

export type EncoderChoice = { readonly kind: 'in-process'; readonly threads?: number } | { readonly kind: 'service'; readonly url: string; readonly token?: string };

export async function openDatasetEncoder(manifest: ModelManifest, manifestPath: string, choice: EncoderChoice): Promise<DatasetEncoder> {
  if (choice.kind === 'service') {
    // FP32 on the wire: training data should not carry FP16 rounding the viewer's own path does not have.
    const remote = oipEncoder({ url: choice.url, token: choice.token, output: 'FP32' }, manifest);
    await remote.checkReady();
    return {
      backend: `embedding service ${choice.url}`,
      encode: async (prepared, signal) => checkEmbedding(await remote.encode(prepared, signal), manifest),
      release: async () => undefined,
    };
  }
  const backend = await createNodeBackend('node', choice.threads);
  const session = await loadModelPart(manifest, 'encoder', nodeModelSource(manifestPath), backend);
  const local = sessionEncoder(session, manifest);
  return { backend: backend.name, encode: (p, s) => local.encode(p, s), release: () => session.release() };
}
