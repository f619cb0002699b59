// The project's code as the Node suites see it: the bundle made by build.mjs, and model manifests.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workDir } from './paths.mjs';

const require = createRequire(import.meta.url);

/** The core pipeline + runtimes (bench/dist/core.cjs). */
export const loadCore = () => require('../dist/core.cjs');
/** The Open Inference Protocol client (bench/dist/oip.cjs). */
export const loadOip = () => require('../dist/oip.cjs');
/** onnxruntime packages exactly as the project resolves them. */
export const loadOrt = (name) => require(name);

export async function loadManifest(core, file) {
  return core.parseManifest(await core.readManifestJson(file));
}

/** Warm embeddings are made once per model and image size (suites/embeddings.mjs) and shared. */
export function embeddingFile(modelKey, size) {
  return path.join(workDir, `embedding-${modelKey}-${size}.f32`);
}

export function saveEmbedding(modelKey, size, tensor) {
  mkdirSync(workDir, { recursive: true });
  const data = tensor.data;
  writeFileSync(embeddingFile(modelKey, size), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function readEmbedding(modelKey, size, dims) {
  const bytes = readFileSync(embeddingFile(modelKey, size));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { type: 'float32', dims: [...dims], data };
}
