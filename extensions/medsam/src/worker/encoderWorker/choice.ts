import type { EncoderWorkerSetting } from '../../config';

/** At this many cores "auto" starts the encoder worker; on 2 cores two onnxruntime instances were slower (BENCHMARKS.md, issue 10). */
export const ENCODER_WORKER_MIN_CORES = 4;

/**
 * Whether a second worker encodes: only where the browser computes embeddings (with the service encoding,
 * the worker's embedding lane already overlaps), and then as the setting says ("auto": by the core count).
 */
export function wantsEncoderWorker(setting: EncoderWorkerSetting | undefined, browserEncodes: boolean, hardwareConcurrency: number | undefined): boolean {
  if (!browserEncodes) return false;
  if (setting === 'on') return true;
  if (setting === 'auto') return (hardwareConcurrency ?? 1) >= ENCODER_WORKER_MIN_CORES;
  return false;
}

/** The WASM threads of one worker split between the two: the encoder gets the larger half, each at least 1. */
export function splitThreads(total: number): { readonly encoder: number; readonly decoder: number } {
  const t = Math.max(1, Math.floor(total));
  return { encoder: Math.max(1, Math.ceil(t / 2)), decoder: Math.max(1, Math.floor(t / 2)) };
}

/**
 * The threads of the two workers. `usual` is what one worker would run (medsam.threads, else the default).
 * Set by the deployment, it is the budget and is split. Left to the default, the encoder keeps it and the
 * decoder gets half of it (at least 1) where both fit in the cores: on 4 cores 2 + 1, so the encoder is not
 * slowed for the overlap; where they do not fit, the default is split.
 */
export function threadShares(usual: number, setByDeployment: boolean, cores: number | undefined): { readonly encoder: number; readonly decoder: number } {
  if (setByDeployment) return splitThreads(usual);
  const shares = { encoder: Math.max(1, Math.floor(usual)), decoder: Math.max(1, Math.floor(usual / 2)) };
  return shares.encoder + shares.decoder <= (cores ?? 1) ? shares : splitThreads(usual);
}
