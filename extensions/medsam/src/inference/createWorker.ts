import type { WorkerLike } from './InferenceClient';

/**
 * Starts the inference worker as an ES module. The `new Worker(new URL(..., import.meta.url))` form is the
 * one bundlers recognise: the run-time bundle finds medsam-worker.mjs beside itself, and a build-time
 * OHIF (rspack/webpack) bundles the worker file from the package's dist folder.
 */
export function createMedSamWorker(workerUrl?: string): WorkerLike {
  if (workerUrl) return new Worker(new URL(workerUrl, globalThis.location?.href), { type: 'module', name: 'medsam-inference' });
  return new Worker(new URL('./medsam-worker.mjs', import.meta.url), { type: 'module', name: 'medsam-inference' });
}
