// Worker thread entry: holds one onnxruntime session per served model and runs encoder jobs one at a
// time. onnxruntime-node's run() is synchronous on the calling JS thread (1.30 only defers it with
// setImmediate), so running it here keeps the HTTP thread free for health checks, 503s and cancellation.
import { parentPort, workerData } from 'node:worker_threads';
import { checkEmbedding, loadModelPart, type ModelSession } from '@medsam-ohif/core';
import { float32ToFloat16 } from '@medsam-ohif/core/src/runtimes/oipFloat16';
import { littleEndianBytes } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { nodeModelSource } from '@medsam-ohif/core/src/runtimes/nodeModelSource';
import { createOrtNodeBackend } from '@medsam-ohif/core/src/runtimes/ortNode';
import { toEncoderTensor } from '@medsam-ohif/core/src/pipeline/resize';
import type { EncodeJob, EncodeResult, FromWorker, ToWorker, WorkerInit, WorkerModel } from './protocol';

const port = parentPort;
if (!port) throw new Error('encoderWorker must run as a worker thread');
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Loaded {
  readonly model: WorkerModel;
  readonly session: ModelSession;
}

async function load(init: WorkerInit): Promise<Map<string, Loaded>> {
  const backend = createOrtNodeBackend({ threads: init.threads });
  const loaded = new Map<string, Loaded>();
  for (const model of init.models) {
    // loadModelPart checks the file's SHA-256 and the session's names and shapes against the manifest.
    const session = await loadModelPart(model.manifest, 'encoder', nodeModelSource(model.manifestLocation), backend);
    loaded.set(model.name, { model, session });
  }
  return loaded;
}

async function run(loaded: Map<string, Loaded>, job: EncodeJob): Promise<EncodeResult> {
  const hit = loaded.get(job.model);
  if (!hit) throw new Error(`no model "${job.model}" in this worker`);
  const { manifest } = hit.model;
  const s = manifest.inputSize;
  const enc = manifest.encoder;
  const [rows, columns] = job.dims;
  // A float32-nchw encoder gets the core's own min-max, zero padding and 3 channels: the same tensor as in-process.
  const feed =
    enc.inputFormat === 'uint8-hw'
      ? { type: 'uint8' as const, dims: [rows, columns], data: job.image }
      : { type: 'float32' as const, dims: [1, 3, s, s], data: toEncoderTensor({ rows, columns, channels: 1, data: job.image }, s) };
  const t0 = performance.now();
  const out = await hit.session.run({ [enc.inputs.image]: feed }, [enc.outputs.embedding]);
  const runMs = performance.now() - t0;
  const embedding = checkEmbedding(out[enc.outputs.embedding], manifest);
  const values = embedding.data as Float32Array;
  // Copies: the result's buffer may belong to onnxruntime and cannot be transferred.
  const wire = job.wire ?? true;
  const bytes = !wire ? new Uint8Array(0) : job.datatype === 'FP16' ? littleEndianBytes(float32ToFloat16(values)) : littleEndianBytes(values.slice());
  // The cache's copy is shared memory: the HTTP thread and the decoder worker read it without copying.
  const shared = job.keep ? new Float32Array(new SharedArrayBuffer(values.byteLength)) : undefined;
  shared?.set(values);
  return { datatype: job.datatype, dims: [...embedding.dims], bytes, runMs, ...(shared ? { shared } : {}) };
}

load(workerData as WorkerInit).then(
  (loaded) => {
    port.on('message', (m: ToWorker) => {
      run(loaded, m.job).then(
        (result) => post({ type: 'done', id: m.id, result }, [result.bytes.buffer as ArrayBuffer]),
        (e: unknown) => post({ type: 'failed', id: m.id, message: message(e) }),
      );
    });
    post({ type: 'ready' });
  },
  (e: unknown) => post({ type: 'init-failed', message: message(e) }),
);
