import { WorkerError, cancelled } from '../WorkerError';

interface OipLike {
  readonly name: string;
  readonly message: string;
  readonly failure: string;
  readonly details?: { readonly status?: number };
}

const isOip = (e: unknown): e is OipLike => e instanceof Error && e.name === 'OipError' && typeof (e as { failure?: unknown }).failure === 'string';

/** Failures that mean "nobody answers (properly) right now", not "the service refused this request". */
const GONE = new Set(['unreachable', 'connection-lost', 'timeout', 'busy', 'not-ready']);
/** A gateway in front of the service (our demo proxy, nginx, a load balancer) reports a dead upstream so. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

export function isServiceGone(e: unknown): boolean {
  if (!isOip(e)) return false;
  return GONE.has(e.failure) || (e.failure === 'server-error' && GATEWAY_STATUSES.has(e.details?.status ?? 0));
}

export const stoppedAnswering = (e: unknown) => `the embedding service stopped answering (${e instanceof Error ? e.message : String(e)})`;

/**
 * The error a "service" backend shows: a service that went away says so in those words; a refusal (bad
 * token, incompatible model) keeps the protocol client's own code and message; an abort is a cancellation.
 */
export function serviceError(e: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return cancelled();
  if (isServiceGone(e)) return new WorkerError('SERVICE_UNAVAILABLE', stoppedAnswering(e));
  return e instanceof Error ? e : new Error(String(e));
}
