import { dirname, join } from 'node:path';
import type { ServerOptions } from './config';
import type { Logger } from './log';
import { loadManifests } from './models/loadManifests';
import { createEmbeddingServer } from './server';
import { DEFAULTS } from './config';
import type { DecodeJob, DecodeResult } from './workers/protocol';
import { shareAll, WorkerSlot } from './workers/workerSlot';

export interface RunningService {
  readonly url: string;
  readonly port: number;
  /** Graceful: finish running work, then stop the workers. */
  stop(): Promise<void>;
}

/** Next to the bundled main.cjs (server/dist); tests pass the path of their own build. */
export const defaultWorkerScript = () => join(__dirname, 'encoderWorker.cjs');

/**
 * Loads the manifests, starts the encoder workers and (unless --embedding-cache-mb 0) the decoder worker,
 * models loaded and checked, then listens. The decoder worker script sits beside the encoder's.
 */
export async function startService(options: ServerOptions, log: Logger, workerScript = defaultWorkerScript()): Promise<RunningService> {
  const models = await loadManifests(options.models);
  const init = {
    threads: options.threads,
    models: models.map((m) => ({ name: m.name, manifest: m.manifest, manifestLocation: m.manifestLocation })),
  };
  const slots = Array.from({ length: options.concurrency }, (_, i) => new WorkerSlot(workerScript, init, log, `encoder worker ${i + 1}`));
  // A decode is milliseconds of a small graph: a few threads are plenty, and leave the encoder its cores.
  const decoderInit = { ...init, threads: Math.min(options.threads, 2) };
  const decoderScript = join(dirname(workerScript), 'decoderWorker.cjs');
  const serveDecoders = (options.embeddingCacheBytes ?? DEFAULTS.embeddingCacheBytes) > 0;
  const decoderSlots = serveDecoders ? [new WorkerSlot<DecodeJob, DecodeResult>(decoderScript, decoderInit, log, 'decoder worker', shareAll, 'decoder')] : [];
  const all = [...slots, ...decoderSlots];
  const stopAll = () => Promise.all(all.map((s) => s.stop()));
  // Every start settles before any worker is stopped: terminating a worker while onnxruntime-node is still
  // creating its session aborts the whole process (a native error), instead of the plain load error.
  const started = await Promise.allSettled(all.map((s) => s.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  let server;
  let address;
  try {
    server = createEmbeddingServer({ options, models, slots, decoderSlots, log });
    address = await server.listen();
  } catch (e) {
    await stopAll();
    throw e;
  }
  return {
    url: address.url,
    port: address.port,
    async stop() {
      await server.shutdown();
      await stopAll();
    },
  };
}
