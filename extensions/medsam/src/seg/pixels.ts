// Pixel Data encoding. BINARY frames are 1 bit per pixel, packed least significant bit first, and frames follow
// each other without padding (PS3.5 8.1.1), so a frame may start mid-byte when Rows×Columns is not a multiple
// of 8. LABELMAP frames are one byte per pixel. Pixel Data is padded to an even length.

export interface BitPlane {
  /** Label maps of the frame, Rows×Columns (overlapping segments: more than one); a shorter (e.g. empty) one leaves the rest background. */
  readonly layers: readonly Uint8Array[];
  /** The segment whose voxels are set. */
  readonly segment: number;
}

/** Packs one bit plane per frame into one bit stream, straight from the label maps. */
export function packBits(planes: readonly BitPlane[], frameLength: number): Uint8Array {
  const totalBits = planes.length * frameLength;
  const bytes = Math.ceil(totalBits / 8);
  const out = new Uint8Array(bytes + (bytes % 2));
  let bit = 0;
  for (const { layers, segment } of planes) {
    for (const labels of layers) {
      const n = Math.min(frameLength, labels.length);
      for (let i = 0; i < n; i++) {
        const at = bit + i;
        if (labels[i] === segment) out[at >> 3] |= 1 << (at & 7);
      }
    }
    bit += frameLength;
  }
  return out;
}

/** The inverse of packBits for frame `index`. */
export function unpackBitsFrame(data: Uint8Array, index: number, frameLength: number): Uint8Array {
  const out = new Uint8Array(frameLength);
  let bit = index * frameLength;
  if (Math.ceil((bit + frameLength) / 8) > data.length) throw new RangeError(`Pixel Data too short for frame ${index + 1}`);
  for (let i = 0; i < frameLength; i++, bit++) out[i] = (data[bit >> 3] >> (bit & 7)) & 1;
  return out;
}

/** Concatenates 8-bit frames, padded to an even length. */
export function concatBytes(frames: readonly Uint8Array[], frameLength: number): Uint8Array {
  const total = frames.length * frameLength;
  const out = new Uint8Array(total + (total % 2));
  frames.forEach((f, i) => out.set(f.subarray(0, frameLength), i * frameLength));
  return out;
}

/** Which non-zero values a label map holds. Label maps are mostly background: skip zero words 4 voxels at a time. */
export function valuesPresent(labels: Uint8Array): Set<number> {
  const seen = new Uint8Array(256);
  const aligned = labels.byteOffset % 4 === 0 ? Math.floor(labels.length / 4) : 0;
  const words = new Uint32Array(labels.buffer, labels.byteOffset, aligned);
  for (let w = 0; w < aligned; w++) {
    if (words[w] === 0) continue;
    for (let i = w * 4; i < w * 4 + 4; i++) seen[labels[i]] = 1;
  }
  for (let i = aligned * 4; i < labels.length; i++) seen[labels[i]] = 1;
  const out = new Set<number>();
  for (let v = 1; v < 256; v++) if (seen[v]) out.add(v);
  return out;
}
