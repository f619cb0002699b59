import { join } from 'node:path';
import type { ServerOptions } from './config';
import type { Logger } from './log';
import { loadManifests } from './models/loadManifests';
import { createEmbeddingServer } from './server';
import { WorkerSlot } from './workers/workerSlot';

export interface RunningService {
  readonly url: string;
  readonly port: number;
  /** Graceful: finish running work, then stop the workers. */
  stop(): Promise<void>;
}

/** Next to the bundled main.cjs (server/dist); tests pass the path of their own build. */
export const defaultWorkerScript = () => join(__dirname, 'encoderWorker.cjs');

/** Loads the manifests, starts the encoder workers (models loaded and checked), then listens. */
export async function startService(options: ServerOptions, log: Logger, workerScript = defaultWorkerScript()): Promise<RunningService> {
  const models = await loadManifests(options.models);
  const init = {
    threads: options.threads,
    models: models.map((m) => ({ name: m.name, manifest: m.manifest, manifestLocation: m.manifestLocation })),
  };
  const slots = Array.from({ length: options.concurrency }, (_, i) => new WorkerSlot(workerScript, init, log, `encoder worker ${i + 1}`));
  try {
    await Promise.all(slots.map((s) => s.start()));
  } catch (e) {
    await Promise.all(slots.map((s) => s.stop()));
    throw e;
  }
  const server = createEmbeddingServer({ options, models, slots, log });
  let address;
  try {
    address = await server.listen();
  } catch (e) {
    await Promise.all(slots.map((s) => s.stop()));
    throw e;
  }
  return {
    url: address.url,
    port: address.port,
    async stop() {
      await server.shutdown();
      await Promise.all(slots.map((s) => s.stop()));
    },
  };
}
