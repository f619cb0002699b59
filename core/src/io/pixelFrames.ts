/** Finds the bytes of one frame in the Pixel Data element as dcmjs hands it over. */
import { imageError } from './errors';

function asBytes(item: unknown, what: string): Uint8Array {
  if (item instanceof ArrayBuffer) return new Uint8Array(item);
  if (ArrayBuffer.isView(item)) return new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
  throw imageError(`${what} is not binary data`);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Uncompressed pixel data: the whole element (dcmjs gives it as one buffer). */
export function nativePixelBytes(items: readonly unknown[]): Uint8Array {
  return concat(items.map((item) => asBytes(item, 'Pixel Data')));
}

/** A fragment that starts a JPEG, JPEG-LS (SOI) or JPEG 2000 (SOC, or a JP2 signature box) codestream. */
function startsCodestream(b: Uint8Array): boolean {
  if (b.length >= 2 && b[0] === 0xff && (b[1] === 0xd8 || b[1] === 0x4f)) return true;
  return b.length >= 8 && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20;
}

/**
 * Encapsulated pixel data. With a Basic Offset Table dcmjs returns one buffer per frame; without one it
 * returns the fragments. Fragments are then grouped into frames: all of them for a single frame, one each
 * when the counts agree, else split where a new codestream starts.
 */
export function encapsulatedFrame(items: readonly unknown[], numberOfFrames: number, frame: number): Uint8Array {
  const fragments = items.map((item, i) => asBytes(item, `Pixel Data fragment ${i + 1}`));
  if (fragments.length === numberOfFrames) return fragments[frame];
  if (numberOfFrames === 1) return concat(fragments);
  const frames: Uint8Array[][] = [];
  for (const fragment of fragments) {
    if (frames.length === 0 || startsCodestream(fragment)) frames.push([fragment]);
    else frames[frames.length - 1].push(fragment);
  }
  if (frames.length !== numberOfFrames) {
    throw imageError(
      `cannot locate frame ${frame} in the encapsulated pixel data: ${fragments.length} fragments, ` +
        `${numberOfFrames} frames and no offset table`,
    );
  }
  return concat(frames[frame]);
}
