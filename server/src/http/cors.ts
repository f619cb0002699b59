import type { IncomingMessage, ServerResponse } from 'node:http';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { HttpError } from './httpError';

const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS = `Authorization, Content-Type, ${INFERENCE_HEADER_CONTENT_LENGTH}`;
// Browsers hide response headers from scripts unless exposed; the client needs these.
const EXPOSE_HEADERS = `${INFERENCE_HEADER_CONTENT_LENGTH}, Retry-After, WWW-Authenticate, Server-Timing`;

/**
 * CORS against an allowlist. A request from a browser origin that is not allowed is refused outright (403)
 * instead of being run and merely hidden from the page: otherwise any web site could make the user's
 * browser spend this machine's CPU with "simple" requests that need no preflight.
 * Returns true when the request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false; // not a cross-origin browser request
  const any = allowed.includes('*');
  if (!any && !allowed.includes(origin)) {
    throw new HttpError(403, `origin ${origin.slice(0, 200)} is not allowed to use this service (start it with --cors-origin ${origin.slice(0, 200)})`);
  }
  res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
  if (!any) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  const preflightMethod = req.headers['access-control-request-method'];
  if (req.method !== 'OPTIONS' || preflightMethod === undefined) return false;
  if (!['GET', 'POST'].includes(preflightMethod)) {
    throw new HttpError(405, `method ${preflightMethod.slice(0, 20)} is not used by this service`, { Allow: ALLOW_METHODS });
  }
  res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
  res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  // Chrome's Private Network Access: a public page may reach a loopback service only if it says yes.
  if (req.headers['access-control-request-private-network'] === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
  res.writeHead(204, { 'Content-Length': 0 });
  res.end();
  return true;
}
