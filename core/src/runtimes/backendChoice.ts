import type { InferenceBackend } from '../pipeline/backend';
import { createOrtNodeBackend } from './ortNode';
import { createOrtWebBackend, type OrtWebModule } from './ortWeb';

export type NodeBackendName = 'node' | 'wasm';

/**
 * A backend for Node processes: onnxruntime-node (native, default) or onnxruntime-web's WASM build, which is
 * what browsers run — used to reproduce the viewer's results bit for bit from the command line.
 */
export async function createNodeBackend(name: NodeBackendName, threads?: number): Promise<InferenceBackend> {
  if (name === 'node') return createOrtNodeBackend({ threads });
  const ort = (await import('onnxruntime-web')) as unknown as OrtWebModule;
  return createOrtWebBackend(ort, { executionProviders: ['wasm'], threads: threads ?? 1 });
}
