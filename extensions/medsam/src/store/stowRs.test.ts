import { SaveError } from './saveErrors';
import { multipartBody, stowRs } from './stowRs';
import { describeReason, parseStowResponse } from './stowResponse';

const SOP = '2.25.1234';
const seq = (items: object[]) => ({ vr: 'SQ', Value: items });
const ui = (v: string) => ({ vr: 'UI', Value: [v] });
const us = (v: number) => ({ vr: 'US', Value: [v] });

function reply(status: number, body: unknown, statusText = ''): typeof fetch {
  return (async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText })) as typeof fetch;
}

const run = (fetchFn: typeof fetch, timeoutMs = 5000) => stowRs({ url: '/dicom-web/studies', bytes: new Uint8Array([1, 2, 3]), sopInstanceUID: SOP, timeoutMs, fetchFn });

async function failure(p: Promise<unknown>): Promise<SaveError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SaveError) return e;
    throw e;
  }
  throw new Error('expected a SaveError');
}

describe('STOW-RS response', () => {
  it('parses stored, failed and warning items', () => {
    const parsed = parseStowResponse(
      JSON.stringify({
        '00081198': seq([{ '00081155': ui('2.25.9'), '00081197': us(0xa700) }]),
        '00081199': seq([{ '00081155': ui(SOP), '00081196': us(0xb000), '00081190': { vr: 'UR', Value: ['http://x/1'] } }]),
      }),
    );
    expect(parsed).toEqual({ failed: [{ sopInstanceUID: '2.25.9', reason: 0xa700 }], stored: [{ sopInstanceUID: SOP, reason: 0xb000, retrieveUrl: 'http://x/1' }] });
    expect(parseStowResponse('<html>bad gateway</html>')).toBeNull();
    expect(parseStowResponse('')).toBeNull();
  });

  it('words reason codes', () => {
    expect(describeReason(0xa700)).toBe('out of resources (0xA700)');
    expect(describeReason(0xa7ff)).toBe('out of resources (0xA7FF)');
    expect(describeReason(0xc123)).toBe('cannot understand the object (0xC123)');
    expect(describeReason(0x1234)).toBe('status 0x1234');
  });

  it('sends one application/dicom part', async () => {
    const text = await multipartBody(new TextEncoder().encode('DICM'), 'B').text();
    expect(text).toBe('--B\r\nContent-Type: application/dicom\r\n\r\nDICM\r\n--B--\r\n');
    let seen: RequestInit | undefined;
    await stowRs({
      url: '/s',
      bytes: new Uint8Array(1),
      sopInstanceUID: SOP,
      timeoutMs: 1000,
      headers: { Authorization: 'Bearer t' },
      fetchFn: (async (_url: string, init: RequestInit) => {
        seen = init;
        return new Response('', { status: 200 });
      }) as unknown as typeof fetch,
    });
    const headers = seen!.headers as Record<string, string>;
    expect(seen!.method).toBe('POST');
    expect(headers['Content-Type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=medsam-[0-9a-f]{24}$/);
    expect(headers.Authorization).toBe('Bearer t');
    expect(headers.Accept).toBe('application/dicom+json');
  });
});

describe('STOW-RS outcome', () => {
  it('stored: listed under Referenced SOP Sequence (with a warning when the PACS gives one)', async () => {
    await expect(run(reply(200, { '00081199': seq([{ '00081155': ui(SOP) }]) }))).resolves.toEqual({ status: 200 });
    await expect(run(reply(202, { '00081199': seq([{ '00081155': ui(SOP), '00081196': us(0xb000) }]) }))).resolves.toEqual({ status: 202, warning: 'some attributes were coerced (0xB000)' });
    await expect(run(reply(200, ''))).resolves.toEqual({ status: 200 });
  });

  it('refused with HTTP 200: listed under Failed SOP Sequence', async () => {
    const e = await failure(run(reply(200, { '00081198': seq([{ '00081155': ui(SOP), '00081197': us(0xa900) }]) })));
    expect(e.code).toBe('PACS_REFUSED');
    expect(e.message).toMatch(/HTTP 200 .*data set does not match the SOP class \(0xA900\)/);
  });

  it('"duplicate" for our own UID means an earlier attempt got through', async () => {
    await expect(run(reply(409, { '00081198': seq([{ '00081155': ui(SOP), '00081197': us(0x0111) }]) }))).resolves.toEqual({ status: 409, warning: 'the PACS already had this object' });
  });

  it('HTTP errors: refused with the body, gateway errors as unreachable, 401/403 as forbidden', async () => {
    const refused = await failure(run(reply(400, 'bad multipart', 'Bad Request')));
    expect(refused.code).toBe('PACS_REFUSED');
    expect(refused.message).toBe('HTTP 400 Bad Request from /dicom-web/studies: bad multipart');
    expect((await failure(run(reply(502, '{"error":"PACS unreachable"}')))).code).toBe('PACS_UNREACHABLE');
    expect((await failure(run(reply(503, '')))).code).toBe('PACS_UNREACHABLE');
    expect((await failure(run(reply(504, '')))).code).toBe('PACS_TIMEOUT');
    expect((await failure(run(reply(403, '')))).code).toBe('PACS_FORBIDDEN');
  });

  it('no connection and no answer in time', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const e = await failure(run(down));
    expect(e.code).toBe('PACS_UNREACHABLE');
    expect(e.message).toMatch(/Failed to fetch/);
    const hang = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as unknown as typeof fetch;
    expect((await failure(run(hang, 50))).code).toBe('PACS_TIMEOUT');
  });
});
