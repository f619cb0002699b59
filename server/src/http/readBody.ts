import type { IncomingMessage } from 'node:http';
import { ClientGoneError, HttpError } from './httpError';

// Connection: close, because the rest of the body is never read: the connection cannot carry another request.
const tooLarge = (limit: number) =>
  new HttpError(413, `the request body is larger than the ${limit}-byte limit (--max-body-bytes)`, { Connection: 'close' });

/**
 * Reads the whole body, refusing it (413) as soon as it passes `limit`: before reading a byte when
 * Content-Length already says so. Stops at once when `signal` aborts (timeout, shutdown).
 */
export function readBody(req: IncomingMessage, limit: number, signal: AbortSignal): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onGone);
      req.off('error', onGone);
      signal.removeEventListener('abort', onAbort);
    };
    const finish = (e: unknown, body?: Buffer) => {
      cleanup();
      if (body) resolve(body);
      else reject(e);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        chunks.length = 0; // let the memory go; Node discards the rest after we answer
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined, Buffer.concat(chunks, size));
    const onGone = () => finish(new ClientGoneError());
    const onAbort = () => finish(signal.reason);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onGone);
    req.on('error', onGone);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
