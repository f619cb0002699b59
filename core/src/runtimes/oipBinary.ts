/**
 * Framing of the binary tensor data extension: an HTTP body is the JSON header followed by each binary
 * tensor's raw little-endian bytes, in the order the tensors appear in the JSON, and the
 * Inference-Header-Content-Length header gives the JSON's byte length.
 */

/** A body that does not follow the protocol; the server answers 400, the client reports a bad response. */
export class OipFormatError extends Error {
  override readonly name = 'OipFormatError';
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

export interface EncodedBody {
  readonly body: Uint8Array<ArrayBuffer>;
  /** Set when binary data follows the JSON: the value of Inference-Header-Content-Length. */
  readonly headerLength?: number;
}

/** JSON header + binary tensors → one body; with no binary tensors the body is plain JSON. */
export function encodeBody(header: unknown, tensors: readonly Uint8Array[]): EncodedBody {
  const json = utf8.encode(JSON.stringify(header));
  if (tensors.length === 0) return { body: json };
  const total = tensors.reduce((n, t) => n + t.byteLength, json.byteLength);
  const body = new Uint8Array(total);
  body.set(json, 0);
  let offset = json.byteLength;
  for (const t of tensors) {
    body.set(t, offset);
    offset += t.byteLength;
  }
  return { body, headerLength: json.byteLength };
}

/** Validates an Inference-Header-Content-Length value against the body it claims to describe. */
export function parseHeaderLength(value: string | null | undefined, bodyLength: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new OipFormatError(`Inference-Header-Content-Length must be a byte count, got "${value.slice(0, 40)}"`);
  }
  const n = Number(value.trim());
  if (n > bodyLength) {
    throw new OipFormatError(`Inference-Header-Content-Length says ${n} bytes of JSON, but the whole body has only ${bodyLength}`);
  }
  if (n === 0) throw new OipFormatError('Inference-Header-Content-Length is 0: the JSON header is missing');
  return n;
}

/** Splits a body into its parsed JSON header and the binary bytes after it. */
export function splitBody(body: Uint8Array, headerLength: number | undefined): { json: unknown; binary: Uint8Array } {
  const end = headerLength ?? body.byteLength;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, end));
  } catch {
    throw new OipFormatError('the JSON header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const where = headerLength === undefined ? 'the body' : `the JSON header (the first ${end} bytes, per Inference-Header-Content-Length)`;
    throw new OipFormatError(`${where} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { json, binary: body.subarray(end) };
}

/** Cuts the binary part into tensors of the declared sizes; the sizes must account for every byte. */
export function sliceTensors(binary: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const declared = sizes.reduce((a, b) => a + b, 0);
  if (declared !== binary.byteLength) {
    throw new OipFormatError(
      `the binary_data_size values add up to ${declared} bytes, but ${binary.byteLength} bytes follow the JSON header`,
    );
  }
  const out: Uint8Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    out.push(binary.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

/** The wire bytes of a tensor (little-endian); a view on little-endian machines, a copy elsewhere. */
export function littleEndianBytes(data: Float32Array | Uint16Array | Uint8Array): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return view;
  const out = new Uint8Array(data.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) dv.setFloat32(i * 4, data[i], true);
    else dv.setUint16(i * 2, data[i], true);
  }
  return out;
}

/** Wire bytes → float32 values (copied: the bytes may sit at any offset inside a larger buffer). */
export function readFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new OipFormatError(`${bytes.byteLength} bytes are not a whole number of FP32 values`);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.slice().buffer);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => dv.getFloat32(i * 4, true));
}

/** Wire bytes → float16 bit patterns. */
export function readUint16(bytes: Uint8Array): Uint16Array {
  if (bytes.byteLength % 2 !== 0) throw new OipFormatError(`${bytes.byteLength} bytes are not a whole number of FP16 values`);
  if (LITTLE_ENDIAN) return new Uint16Array(bytes.slice().buffer);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint16Array.from({ length: bytes.byteLength / 2 }, (_, i) => dv.getUint16(i * 2, true));
}
