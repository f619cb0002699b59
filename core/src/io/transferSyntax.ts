/** How the pixel data of a transfer syntax is stored, and whether this reader can decode it. */
export type PixelEncoding =
  | 'native-little'
  | 'native-big'
  | 'rle'
  | 'jpeg2000'
  | 'jpeg-ls'
  | 'jpeg-baseline'
  | 'unsupported';

interface SyntaxEntry {
  readonly name: string;
  readonly encoding: PixelEncoding;
}

const SYNTAXES: Readonly<Record<string, SyntaxEntry>> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', encoding: 'native-little' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', encoding: 'native-little' },
  // dcmjs inflates the whole dataset; the pixels are then native little endian.
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', encoding: 'native-little' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', encoding: 'native-big' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', encoding: 'rle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', encoding: 'jpeg-baseline' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless, First-Order Prediction (Process 14 SV1)', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', encoding: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', encoding: 'jpeg2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', encoding: 'jpeg2000' },
  '1.2.840.10008.1.2.4.92': { name: 'JPEG 2000 Part 2 Multi-component Lossless', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.93': { name: 'JPEG 2000 Part 2 Multi-component', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2 Main Profile / Main Level', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264 High Profile', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 Lossless', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.202': { name: 'High-Throughput JPEG 2000 RPCL Lossless', encoding: 'unsupported' },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000', encoding: 'unsupported' },
};

export interface TransferSyntax extends SyntaxEntry {
  readonly uid: string;
}

export function describeTransferSyntax(uid: string): TransferSyntax {
  const entry = SYNTAXES[uid];
  return entry ? { uid, ...entry } : { uid, name: 'unknown transfer syntax', encoding: 'unsupported' };
}
