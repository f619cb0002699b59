import { OipError } from './oipErrors';
import { EMBEDDING_NOT_CACHED } from './oipProtocol';

/** One HTTP exchange with an inference service: global fetch, a timeout, the caller's AbortSignal. */
export interface OipHttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array<ArrayBuffer>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** For messages: "model metadata", "inference" ... */
  readonly what: string;
}

export interface OipHttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

const TIMEOUT = Symbol('timeout');

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
}

// Duck-typed, not instanceof: fetch's errors may come from another realm (a worker, a test sandbox).
const asErrorLike = (e: unknown): ErrorLike | undefined => (typeof e === 'object' && e !== null ? (e as ErrorLike) : undefined);

/** "fetch failed (UND_ERR_SOCKET: other side closed)": the network cause is the useful part. */
function causeOf(e: unknown): string {
  const err = asErrorLike(e);
  const cause = asErrorLike(err?.cause);
  const own = typeof err?.message === 'string' ? err.message : String(e);
  if (!cause || typeof cause.message !== 'string') return own;
  return `${own} (${String(cause.code ?? cause.name ?? 'Error')}: ${cause.message})`;
}

/**
 * Sends the request and reads the whole body. Aborts by the caller rethrow the caller's reason; network
 * failures and timeouts become OipErrors that say which of them happened.
 */
export async function oipFetch(req: OipHttpRequest): Promise<OipHttpResponse> {
  req.signal?.throwIfAborted();
  const inner = new AbortController();
  const onAbort = () => inner.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => inner.abort(TIMEOUT), req.timeoutMs);
  let sent = false;
  try {
    const response = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: inner.signal });
    sent = true;
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  } catch (e) {
    if (req.signal?.aborted) throw req.signal.reason;
    if (inner.signal.reason === TIMEOUT) {
      throw new OipError('timeout', `the ${req.what} request to ${req.url} got no complete answer within ${req.timeoutMs} ms`);
    }
    // A refused connection fails before any response; a service that dies mid-request either fails the
    // fetch with "other side closed"/reset or breaks the body stream after the headers arrived.
    const detail = causeOf(e);
    const lost = sent || /other side closed|ECONNRESET|EPIPE|socket hang up|terminated|UND_ERR_SOCKET/i.test(detail);
    throw lost
      ? new OipError('connection-lost', `the inference service at ${req.url} closed the connection before answering the ${req.what} request (it may have crashed or restarted): ${detail}`)
      : new OipError('unreachable', `cannot reach the inference service at ${req.url} for the ${req.what} request: ${detail}`);
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The protocol's {"error": "..."} message, or the start of whatever text came back. */
export function errorMessage(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 4096));
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string') return (json as { error: string }).error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 300) || '(empty body)';
}

/** Our server's `error_code` beside the message, if the answer has one. */
export function errorCode(body: Uint8Array): string | undefined {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(body.subarray(0, 4096)));
    const code = json && typeof json === 'object' ? (json as { error_code?: unknown }).error_code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a non-2xx answer into the OipError that names it. */
export function statusError(res: OipHttpResponse, url: string, what: string): OipError {
  const message = errorMessage(res.body);
  const status = res.status;
  if (status === 404 && errorCode(res.body) === EMBEDDING_NOT_CACHED) {
    return new OipError('embedding-gone', `the inference service no longer holds the embedding for ${what} (${message})`, { status });
  }
  if (status === 503) {
    const retry = retryAfterSeconds(res.headers.get('retry-after'));
    const when = retry === undefined ? '' : `; retry after ${retry} s`;
    return new OipError('busy', `the inference service is busy or shutting down (503 for ${what}: ${message})${when}`, { status, retryAfterSeconds: retry });
  }
  if (status === 504) return new OipError('timeout', `the inference service timed out on ${what} (504: ${message})`, { status });
  if (status === 401 || status === 403) {
    return new OipError('unauthorized', `the inference service refused ${what} (${status}: ${message}); check the token and the allowed origins`, { status });
  }
  if (status >= 400 && status < 500) return new OipError('rejected', `the inference service rejected ${what} at ${url} (${status}: ${message})`, { status });
  return new OipError('server-error', `the inference service failed on ${what} (${status}: ${message})`, { status });
}
