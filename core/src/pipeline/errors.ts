/**
 * Errors the pipeline raises for bad input. Each carries a stable `code` so callers (CLI exit codes, the
 * OHIF panel's wording, the service's HTTP status) can react without parsing messages.
 */
export type MedSamErrorCode =
  | 'BAD_BOX'
  | 'BAD_IMAGE'
  | 'BAD_MANIFEST'
  | 'MODEL_UNAVAILABLE'
  | 'MODEL_HASH_MISMATCH'
  | 'MODEL_CONTRACT'
  | 'INFERENCE_FAILED';

export class MedSamError extends Error {
  constructor(
    readonly code: MedSamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MedSamError';
  }
}
