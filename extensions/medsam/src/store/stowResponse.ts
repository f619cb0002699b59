// The STOW-RS response (PS3.18 10.5.3): which instances the PACS stored, refused (and why), or stored with a
// warning. Read from the DICOM JSON body; servers that send no body say nothing per instance.

type JsonAttr = { readonly vr?: string; readonly Value?: readonly unknown[] };
type JsonDataset = Readonly<Record<string, JsonAttr | undefined>>;

export interface InstanceStatus {
  readonly sopInstanceUID: string;
  /** Failure Reason (0008,1197) of a refused instance, Warning Reason (0008,1196) of a stored one. */
  readonly reason?: number;
  readonly retrieveUrl?: string;
}

export interface StowResponse {
  readonly stored: readonly InstanceStatus[];
  readonly failed: readonly InstanceStatus[];
  /** Warning Reason of the whole response. */
  readonly warning?: number;
}

const TAG = { failed: '00081198', referenced: '00081199', sopInstance: '00081155', failure: '00081197', warning: '00081196', retrieveUrl: '00081190' } as const;

/** PS3.4 / PS3.18 status codes a store may give. */
const REASONS: Record<number, string> = {
  0x0110: 'processing failure',
  0x0111: 'duplicate SOP instance',
  0x0119: 'class-instance conflict',
  0x0122: 'SOP class not supported',
  0x0124: 'not authorized',
  0xa700: 'out of resources',
  0xa900: 'data set does not match the SOP class',
  0xb000: 'some attributes were coerced',
  0xb006: 'some elements were discarded',
  0xb007: 'data set does not match the SOP class',
  0xc000: 'cannot understand the object',
  0xc122: 'transfer syntax not supported',
};

export function describeReason(code: number): string {
  const hex = `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const known = REASONS[code] ?? (code >= 0xa700 && code <= 0xa7ff ? 'out of resources' : code >= 0xc000 && code <= 0xcfff ? 'cannot understand the object' : undefined);
  return known ? `${known} (${hex})` : `status ${hex}`;
}

const first = (a: JsonAttr | undefined): unknown => a?.Value?.[0];
const text = (a: JsonAttr | undefined): string | undefined => (typeof first(a) === 'string' ? (first(a) as string) : undefined);
const number = (a: JsonAttr | undefined): number | undefined => (typeof first(a) === 'number' ? (first(a) as number) : undefined);

function items(ds: JsonDataset, tag: string, reasonTag: string): InstanceStatus[] {
  const list = ds[tag]?.Value ?? [];
  return list.flatMap((raw) => {
    const item = raw as JsonDataset;
    const sopInstanceUID = text(item[TAG.sopInstance]);
    if (!sopInstanceUID) return [];
    const reason = number(item[reasonTag]);
    const retrieveUrl = text(item[TAG.retrieveUrl]);
    return [{ sopInstanceUID, ...(reason !== undefined ? { reason } : {}), ...(retrieveUrl ? { retrieveUrl } : {}) }];
  });
}

/** null when the body is not a DICOM JSON dataset (empty, XML, an HTML error page). */
export function parseStowResponse(body: string): StowResponse | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  // Some servers wrap the dataset in an array.
  const ds = (Array.isArray(parsed) ? parsed[0] : parsed) as JsonDataset | undefined;
  if (typeof ds !== 'object' || ds === null) return null;
  const warning = number(ds[TAG.warning]);
  return { stored: items(ds, TAG.referenced, TAG.warning), failed: items(ds, TAG.failed, TAG.failure), ...(warning !== undefined ? { warning } : {}) };
}
