// STOW-RS of one Part 10 object with fetch. Not the data source's store.dicom: that one (dicomweb-client)
// drops the response body, so an instance the PACS lists under Failed SOP Sequence with HTTP 200/202 would
// look stored, and its errors carry no reason a user could read. Same URL (`${wadoRoot}/studies`) and the
// same Authorization header as OHIF's own client.
import { SaveError } from './saveErrors';
import { describeReason, parseStowResponse } from './stowResponse';

export interface StowRequest {
  /** The STOW-RS endpoint, e.g. "/dicom-web/studies". */
  readonly url: string;
  readonly bytes: Uint8Array;
  /** The instance in `bytes`: its fate is looked up in the response. */
  readonly sopInstanceUID: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly fetchFn?: typeof fetch;
}

export interface StowResult {
  readonly status: number;
  readonly retrieveUrl?: string;
  /** Stored, but the PACS said something (a coercion, "already stored"). */
  readonly warning?: string;
}

const DUPLICATE = 0x0111;

function boundary(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `medsam-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function multipartBody(bytes: Uint8Array, mark: string): Blob {
  const head = `--${mark}\r\nContent-Type: application/dicom\r\n\r\n`;
  return new Blob([head, bytes as BlobPart, `\r\n--${mark}--\r\n`]);
}

const snippet = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, 300);

async function send(req: StowRequest, body: Blob, mark: string): Promise<Response> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), req.timeoutMs);
  try {
    return await (req.fetchFn ?? fetch)(req.url, {
      method: 'POST',
      body,
      signal: abort.signal,
      headers: { ...req.headers, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${mark}`, Accept: 'application/dicom+json' },
    });
  } catch (e) {
    if (abort.signal.aborted) throw new SaveError('PACS_TIMEOUT', `no answer from ${req.url} within ${Math.round(req.timeoutMs / 1000)} s`);
    throw new SaveError('PACS_UNREACHABLE', `no connection to ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

export async function stowRs(req: StowRequest): Promise<StowResult> {
  const mark = boundary();
  const response = await send(req, multipartBody(req.bytes, mark), mark);
  const body = await response.text().catch(() => '');
  const status = response.status;
  const where = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''} from ${req.url}`;
  // A gateway in front of the PACS answering for it: the PACS itself is down.
  if (status === 502 || status === 503) throw new SaveError('PACS_UNREACHABLE', `${where}: ${snippet(body)}`);
  if (status === 504) throw new SaveError('PACS_TIMEOUT', `${where}: ${snippet(body)}`);
  if (status === 401 || status === 403) throw new SaveError('PACS_FORBIDDEN', `${where}: ${snippet(body)}`);

  const parsed = parseStowResponse(body);
  const failed = parsed?.failed.find((f) => f.sopInstanceUID === req.sopInstanceUID);
  // "Duplicate" for our own UID means an earlier attempt got through: the object is there.
  if (failed && failed.reason === DUPLICATE) return { status, warning: 'the PACS already had this object' };
  if (failed || status < 200 || status >= 300) {
    const reason = failed?.reason !== undefined ? describeReason(failed.reason) : snippet(body) || 'no reason given';
    throw new SaveError('PACS_REFUSED', `${where}: ${reason}`);
  }
  const stored = parsed?.stored.find((s) => s.sopInstanceUID === req.sopInstanceUID);
  const warningCode = stored?.reason ?? parsed?.warning;
  const warning = warningCode !== undefined ? describeReason(warningCode) : status === 202 && !stored ? 'the PACS accepted the request with warnings' : undefined;
  return { status, ...(stored?.retrieveUrl ? { retrieveUrl: stored.retrieveUrl } : {}), ...(warning ? { warning } : {}) };
}
