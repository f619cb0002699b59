import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpError';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks "Authorization: Bearer <token>". Comparing fixed-length digests in constant time keeps both the
 * token's content and its length from leaking through timing.
 */
export function checkBearer(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined) return;
  const header = req.headers.authorization;
  const challenge = { 'WWW-Authenticate': 'Bearer realm="medsam-embeddings"' };
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new HttpError(401, 'this service needs "Authorization: Bearer <token>"', challenge);
  if (!timingSafeEqual(digest(match[1]), digest(token))) {
    throw new HttpError(401, 'the bearer token is not valid', { ...challenge, 'WWW-Authenticate': 'Bearer realm="medsam-embeddings", error="invalid_token"' });
  }
}
