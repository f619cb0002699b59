import { MedSamError } from '../pipeline/errors';

/** Exit statuses scripts can branch on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, badInput: 3, model: 4 } as const;

export class UsageError extends Error {}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof MedSamError) {
    switch (error.code) {
      case 'BAD_BOX':
      case 'BAD_IMAGE':
        return EXIT.badInput;
      case 'INFERENCE_FAILED':
        return EXIT.failure;
      default:
        return EXIT.model;
    }
  }
  return EXIT.failure;
}
