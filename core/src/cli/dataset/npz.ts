// .npz = a zip archive of .npy entries. np.load reads stored (uncompressed) entries, so no deflate is needed
// and the embeddings (already float32 noise to a compressor) cost no CPU to write.
import { toNpy, type NpyArray } from '../npy';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Named arrays → .npz bytes (zip, method 0 "stored", no zip64: each case stays well under 4 GB). */
export function writeNpz(arrays: Readonly<Record<string, NpyArray>>): Uint8Array {
  const entries = Object.entries(arrays).map(([name, array]) => ({ name: new TextEncoder().encode(`${name}.npy`), body: toNpy(array) }));
  const localSize = entries.reduce((n, e) => n + 30 + e.name.length + e.body.length, 0);
  const centralSize = entries.reduce((n, e) => n + 46 + e.name.length, 0);
  if (localSize + centralSize + 22 > 0xffffffff) throw new Error('npz: a case over 4 GB needs zip64, which this writer does not do');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.body));
  entries.forEach((e, i) => {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true); // version needed
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 12, 0x21, true); // DOS date 1980-01-01: same bytes for the same arrays
    view.setUint32(at + 14, crcs[i], true);
    view.setUint32(at + 18, e.body.length, true);
    view.setUint32(at + 22, e.body.length, true);
    view.setUint16(at + 26, e.name.length, true);
    out.set(e.name, at + 30);
    out.set(e.body, at + 30 + e.name.length);
    at += 30 + e.name.length + e.body.length;
  });
  const centralStart = at;
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 14, 0x21, true);
    view.setUint32(at + 16, crcs[i], true);
    view.setUint32(at + 20, e.body.length, true);
    view.setUint32(at + 24, e.body.length, true);
    view.setUint16(at + 28, e.name.length, true);
    view.setUint32(at + 42, offsets[i], true);
    out.set(e.name, at + 46);
    at += 46 + e.name.length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - centralStart, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}
