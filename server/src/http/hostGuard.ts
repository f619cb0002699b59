import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpError';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export const isLoopbackHost = (host: string) => LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * While bound to loopback only, a request must also name a loopback host. A web page that rebinds its own
 * DNS name to 127.0.0.1 would otherwise reach the service as if it were same-origin.
 */
export function checkHost(req: IncomingMessage, boundHost: string): void {
  if (!isLoopbackHost(boundHost)) return;
  const raw = (req.headers.host ?? '').toLowerCase();
  const name = raw.startsWith('[') ? raw.slice(0, raw.indexOf(']') + 1) : raw.replace(/:\d+$/, '');
  if (!isLoopbackHost(name)) {
    throw new HttpError(403, `host "${raw.slice(0, 100)}" is not allowed: this service listens on ${boundHost} only`);
  }
}
