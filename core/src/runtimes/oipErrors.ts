import { MedSamError, type MedSamErrorCode } from '../pipeline/errors';

/** What went wrong talking to an inference service, for callers that react (retry, fall back, explain). */
export type OipFailure =
  /** Nothing answers at the URL (refused, DNS, TLS, CORS blocked). */
  | 'unreachable'
  /** The connection broke after the request was sent (the service crashed or restarted mid-request). */
  | 'connection-lost'
  /** The service or model says it is not ready. */
  | 'not-ready'
  /** 503: the queue is full or the service is shutting down; `retryAfterSeconds` says when to retry. */
  | 'busy'
  /** No answer in time (here, or 504 from the service). */
  | 'timeout'
  /** 401/403: token missing or wrong, or origin not allowed. */
  | 'unauthorized'
  /** Another 4xx: the service refused this request and says why. */
  | 'rejected'
  /** 5xx other than 503/504. */
  | 'server-error'
  /** The served model's inputs or outputs do not fit the MedSAM contract. */
  | 'incompatible'
  /** The answer does not follow the protocol or has the wrong shape or type. */
  | 'bad-response'
  /** The service's decoder no longer holds the embedding it was asked to decode on: encode again (or decode elsewhere). */
  | 'embedding-gone';

const CODES: Record<OipFailure, MedSamErrorCode> = {
  unreachable: 'MODEL_UNAVAILABLE',
  'connection-lost': 'MODEL_UNAVAILABLE',
  'not-ready': 'MODEL_UNAVAILABLE',
  busy: 'MODEL_UNAVAILABLE',
  timeout: 'MODEL_UNAVAILABLE',
  unauthorized: 'MODEL_UNAVAILABLE',
  rejected: 'INFERENCE_FAILED',
  'server-error': 'INFERENCE_FAILED',
  incompatible: 'MODEL_CONTRACT',
  'bad-response': 'INFERENCE_FAILED',
  'embedding-gone': 'INFERENCE_FAILED',
};

export interface OipErrorDetails {
  readonly status?: number;
  readonly retryAfterSeconds?: number;
}

export class OipError extends MedSamError {
  constructor(
    readonly failure: OipFailure,
    message: string,
    readonly details: OipErrorDetails = {},
  ) {
    super(CODES[failure], message);
    this.name = 'OipError';
  }
}
