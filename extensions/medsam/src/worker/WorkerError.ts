import type { WorkerErrorCode } from './protocol';

/** A failure of the worker's own (not the core's): its code travels to the panel like a MedSamError's. */
export class WorkerError extends Error {
  override name = 'WorkerError';
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The error an aborted request fails with. */
export const cancelled = () => new WorkerError('CANCELLED', 'the request was cancelled');
