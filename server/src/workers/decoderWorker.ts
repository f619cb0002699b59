// Worker thread entry of the decoder model: one decoder per served model, run one job at a time on an
// embedding from the server's embedding cache. It opens the decoder as the viewer's worker does (the split
// decoder where the manifest has one, its image part run once per embedding; else the unsplit decoder), with
// onnxruntime-node, so its logits are the in-process decoder's for the same files.
import { parentPort, workerData } from 'node:worker_threads';
import {
  decoderImageFeatures,
  loadModelPart,
  loadSplitDecoder,
  promptDecoderSession,
  selectMaskLogits,
  type DecoderImageFeatures,
  type ModelManifest,
  type ModelSession,
  type SplitDecoder,
  type Tensor,
} from '@medsam-ohif/core';
import { littleEndianBytes } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { nodeModelSource } from '@medsam-ohif/core/src/runtimes/nodeModelSource';
import { createOrtNodeBackend } from '@medsam-ohif/core/src/runtimes/ortNode';
import type { DecodeJob, DecodeResult, FromWorker, ToWorker, WorkerInit } from './protocol';

const port = parentPort;
if (!port) throw new Error('decoderWorker must run as a worker thread');
const post = (m: FromWorker<DecodeResult>, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Image-part results of this many embeddings are kept per model: the slices being worked on. */
const FEATURE_SLOTS = 4;

interface LoadedDecoder {
  readonly manifest: ModelManifest;
  readonly unsplit: ModelSession | null;
  readonly split: SplitDecoder | null;
  /** Split decoder image features by embedding id, least recently used first. */
  readonly features: Map<string, DecoderImageFeatures>;
}

async function load(init: WorkerInit): Promise<Map<string, LoadedDecoder>> {
  const backend = createOrtNodeBackend({ threads: init.threads });
  const loaded = new Map<string, LoadedDecoder>();
  for (const { name, manifest, manifestLocation } of init.models) {
    const source = nodeModelSource(manifestLocation);
    // Hashes, names and shapes are checked against the manifest, as everywhere else.
    const split = await loadSplitDecoder(manifest, source, backend);
    const unsplit = split ? null : await loadModelPart(manifest, 'decoder', source, backend);
    loaded.set(name, { manifest, unsplit, split, features: new Map() });
  }
  return loaded;
}

async function sessionFor(d: LoadedDecoder, id: string, embedding: () => Tensor): Promise<ModelSession> {
  if (!d.split) return d.unsplit!;
  let features = d.features.get(id);
  if (features) d.features.delete(id);
  else features = await decoderImageFeatures(d.split, d.manifest, embedding());
  d.features.set(id, features);
  while (d.features.size > FEATURE_SLOTS) d.features.delete(d.features.keys().next().value as string);
  return promptDecoderSession(d.split, features);
}

/** The unsplit decoder's feeds: the embedding (null for the split prompt part), the client's prompt and an empty mask prompt. */
function feedsOf(manifest: ModelManifest, job: DecodeJob, embedding: Tensor | null): Record<string, Tensor> {
  const spec = manifest.decoder;
  const feeds: Record<string, Tensor> = embedding ? { [spec.inputs.embedding]: embedding } : {};
  for (const [name, t] of Object.entries(job.prompt)) feeds[name] = { type: 'float32', dims: [...t.dims], data: t.data };
  const low = manifest.lowResSize;
  if (spec.inputs.maskInput) feeds[spec.inputs.maskInput] = { type: 'float32', dims: [1, 1, low, low], data: new Float32Array(low * low) };
  if (spec.inputs.hasMaskInput) feeds[spec.inputs.hasMaskInput] = { type: 'float32', dims: [1], data: Float32Array.of(0) };
  return feeds;
}

async function run(loaded: Map<string, LoadedDecoder>, job: DecodeJob): Promise<DecodeResult> {
  const d = loaded.get(job.model);
  if (!d) throw new Error(`no decoder for model "${job.model}" in this worker`);
  // onnxruntime-node refuses SharedArrayBuffer memory ("Invalid argument"): the run gets a private copy, made
  // only where a graph reads the embedding (the split decoder's prompt part usually does not).
  let copy: Tensor | undefined;
  const embedding = () => (copy ??= { type: 'float32', dims: [...job.embeddingDims], data: job.embedding.slice() });
  const t0 = performance.now();
  const session = await sessionFor(d, job.embeddingId, embedding);
  const name = d.manifest.decoder.outputs.lowResLogits;
  const needsEmbedding = !d.split || d.split.prompt.inputs.some((io) => io.name === d.manifest.decoder.inputs.embedding);
  const out = await session.run(feedsOf(d.manifest, job, needsEmbedding ? embedding() : null), [name]);
  const runMs = performance.now() - t0;
  const logits = out[name];
  if (!logits) throw new Error(`the decoder returned no "${name}" output`);
  // Checks the shape ([1, K, L, L] holding the manifest's mask) before it leaves.
  selectMaskLogits(logits, d.manifest.decoder.maskIndex, d.manifest.lowResSize);
  return { dims: [...logits.dims], bytes: littleEndianBytes((logits.data as Float32Array).slice()), runMs };
}

load(workerData as WorkerInit).then(
  (loaded) => {
    port.on('message', (m: ToWorker<DecodeJob>) => {
      run(loaded, m.job).then(
        (result) => post({ type: 'done', id: m.id, result }, [result.bytes.buffer as ArrayBuffer]),
        (e: unknown) => post({ type: 'failed', id: m.id, message: message(e) }),
      );
    });
    post({ type: 'ready' });
  },
  (e: unknown) => post({ type: 'init-failed', message: message(e) }),
);
