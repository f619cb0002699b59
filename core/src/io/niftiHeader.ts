/** NIfTI-1 and NIfTI-2 single-file headers (.nii), either byte order. */
import { imageError } from './errors';

export interface NiftiDatatype {
  readonly code: number;
  readonly name: string;
  readonly bytes: number;
}

const DATATYPES: readonly NiftiDatatype[] = [
  { code: 2, name: 'uint8', bytes: 1 },
  { code: 4, name: 'int16', bytes: 2 },
  { code: 8, name: 'int32', bytes: 4 },
  { code: 16, name: 'float32', bytes: 4 },
  { code: 64, name: 'float64', bytes: 8 },
  { code: 256, name: 'int8', bytes: 1 },
  { code: 512, name: 'uint16', bytes: 2 },
  { code: 768, name: 'uint32', bytes: 4 },
];

const UNSUPPORTED_NAMES: Readonly<Record<number, string>> = {
  1: 'binary',
  32: 'complex64',
  128: 'RGB24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

export interface NiftiHeader {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** dim[1..dim[0]]: sizes along i, j, k, t ... */
  readonly dims: readonly number[];
  readonly datatype: NiftiDatatype;
  /** pixdim[1..3] in mm (converted from the header's spatial unit; taken as mm when the unit is unknown). */
  readonly voxelSize: readonly [number, number, number];
  readonly voxOffset: number;
  /** scl_slope / scl_inter, with slope 0 or not finite meaning "no scaling" (1, 0). */
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly description: string;
  readonly qformCode: number;
  readonly sformCode: number;
}

const SIZEOF_HDR = { 1: 348, 2: 540 } as const;

function detect(view: DataView): { version: 1 | 2; littleEndian: boolean } {
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === SIZEOF_HDR[1]) return { version: 1, littleEndian };
    if (size === SIZEOF_HDR[2]) return { version: 2, littleEndian };
  }
  throw imageError('not a NIfTI file (header size is neither 348 nor 540)');
}

function ascii(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return String.fromCharCode(...(end >= 0 ? bytes.subarray(0, end) : bytes)).trim();
}

/** Field offsets that differ between NIfTI-1 and NIfTI-2. */
const LAYOUT = {
  1: {
    magic: 344, datatype: 70, dim: 40, dimSize: 2, pixdim: 76, realSize: 4, voxOffset: 108,
    slope: 112, inter: 116, units: 123, descrip: 148, qform: 252, sform: 254, codeSize: 2,
  },
  2: {
    magic: 4, datatype: 12, dim: 16, dimSize: 8, pixdim: 104, realSize: 8, voxOffset: 168,
    slope: 176, inter: 184, units: 500, descrip: 240, qform: 344, sform: 348, codeSize: 4,
  },
} as const;

const UNIT_TO_MM: Readonly<Record<number, number>> = { 1: 1000, 2: 1, 3: 0.001 };

export function parseNiftiHeader(bytes: Uint8Array): NiftiHeader {
  if (bytes.length < 348) throw imageError(`not a NIfTI file (${bytes.length} bytes, shorter than a header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { version, littleEndian } = detect(view);
  if (bytes.length < SIZEOF_HDR[version]) throw imageError('NIfTI header is truncated');
  const L = LAYOUT[version];
  const magic = ascii(bytes.subarray(L.magic, L.magic + 4));
  if (magic === 'ni1' || magic === 'ni2') {
    throw imageError('NIfTI header without image data (a .hdr/.img pair): convert it to a single .nii file');
  }
  if (magic !== 'n+1' && magic !== 'n+2') {
    throw imageError(`not a NIfTI file (magic "${magic}"; Analyze 7.5 is not supported)`);
  }

  const int = (offset: number, size: number) => {
    if (size === 2) return view.getInt16(offset, littleEndian);
    if (size === 4) return view.getInt32(offset, littleEndian);
    return Number(view.getBigInt64(offset, littleEndian));
  };
  const real = (offset: number) =>
    L.realSize === 4 ? view.getFloat32(offset, littleEndian) : view.getFloat64(offset, littleEndian);

  const rank = int(L.dim, L.dimSize);
  if (!(rank >= 1 && rank <= 7)) throw imageError(`NIfTI header has an invalid dim[0] = ${rank}`);
  const dims: number[] = [];
  for (let d = 1; d <= rank; d++) {
    const n = int(L.dim + d * L.dimSize, L.dimSize);
    if (!(n >= 1)) throw imageError(`NIfTI header has an invalid dim[${d}] = ${n}`);
    dims.push(n);
  }
  const code = int(L.datatype, 2);
  const datatype = DATATYPES.find((t) => t.code === code);
  if (!datatype) {
    throw imageError(`NIfTI datatype ${code} (${UNSUPPORTED_NAMES[code] ?? 'unknown'}) is not supported`);
  }
  const units = version === 1 ? bytes[L.units] : int(L.units, 4);
  const unitScale = UNIT_TO_MM[units & 0x07] ?? 1;
  const spacing = (d: number) => Math.abs(real(L.pixdim + d * L.realSize)) * unitScale;
  const rawSlope = real(L.slope);
  const rawInter = real(L.inter);
  const scaled = Number.isFinite(rawSlope) && rawSlope !== 0;
  const voxOffset = version === 1 ? real(L.voxOffset) : int(L.voxOffset, 8);
  return {
    version,
    littleEndian,
    dims,
    datatype,
    voxelSize: [spacing(1), spacing(2), spacing(3)],
    // Some writers leave vox_offset 0 in single files (all of mricron's templates): data follows the header.
    voxOffset: Math.max(Math.floor(voxOffset), version === 1 ? 352 : 544),
    sclSlope: scaled ? rawSlope : 1,
    sclInter: scaled && Number.isFinite(rawInter) ? rawInter : 0,
    description: ascii(bytes.subarray(L.descrip, L.descrip + 80)),
    qformCode: int(L.qform, L.codeSize),
    sformCode: int(L.sform, L.codeSize),
  };
}
