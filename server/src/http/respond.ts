import type { ServerResponse } from 'node:http';
import type { OipErrorResponse } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@medsam-ohif/core/src/runtimes/oipProtocol';

function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Uint8Array): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': body?.byteLength ?? 0 });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, { 'Content-Type': 'application/json', ...headers }, Buffer.from(JSON.stringify(value)));
}

export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code?: string): void {
  const body: OipErrorResponse = code ? { error: message, error_code: code } : { error: message };
  sendJson(res, status, body, headers);
}

/** Health answers: the status is the answer, the body is empty (as the protocol asks). */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  send(res, status, headers);
}

/** An inference answer: plain JSON, or JSON header + binary tensors with Inference-Header-Content-Length. */
export function sendInferBody(res: ServerResponse, body: Uint8Array, headerLength: number | undefined, headers: Record<string, string> = {}): void {
  if (headerLength === undefined) send(res, 200, { ...headers, 'Content-Type': 'application/json' }, body);
  else send(res, 200, { ...headers, 'Content-Type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: headerLength }, body);
}
