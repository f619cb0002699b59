import { ENCODER_BACKENDS, type BackendName, type EncoderBackend } from './config';
import type { MedSamController } from './controller/MedSamController';
import { GlueError } from './utils/plainError';

/**
 * The "choose backend" command: `{ backends: ['webgpu', 'wasm'] }` picks onnxruntime-web's providers,
 * `{ encoderBackend: 'browser' | 'service' | 'auto' }` where embeddings are computed; either or both.
 */
export function setBackendsCommand(controller: Pick<MedSamController, 'setBackends' | 'setEncoderBackend'>, options: Record<string, unknown>): void {
  const { backends, encoderBackend } = options;
  if (backends === undefined && encoderBackend === undefined) throw new GlueError('CONFIG', 'give backends and/or encoderBackend');
  if (backends !== undefined && (!Array.isArray(backends) || backends.length === 0 || !backends.every((b) => b === 'webgpu' || b === 'wasm'))) {
    throw new GlueError('CONFIG', 'backends must be a non-empty list of "webgpu" and "wasm"');
  }
  if (encoderBackend !== undefined && !ENCODER_BACKENDS.includes(encoderBackend as EncoderBackend)) {
    throw new GlueError('CONFIG', `encoderBackend must be one of ${ENCODER_BACKENDS.join(', ')}`);
  }
  if (encoderBackend !== undefined) controller.setEncoderBackend(encoderBackend as EncoderBackend);
  if (backends !== undefined) controller.setBackends(backends as BackendName[]);
}
