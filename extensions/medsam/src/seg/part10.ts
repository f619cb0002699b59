// DICOM Part 10 files through dcmjs, with two guards dcmjs lacks: an unknown keyword is an error (dcmjs logs
// and drops it) and an over-long value is an error (dcmjs logs and truncates it).
import { withDcmjsSilenced } from '@medsam-ohif/core/src/io/dcmjsQuiet';
import * as dcmjsModule from 'dcmjs';
import type { DcmjsModule } from './dcmjsSurface';
import { SegError } from './errors';

const { data: dcmjs, log } = dcmjsModule as unknown as DcmjsModule;

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** This implementation's UID (2.25 + a random UUID, fixed) and name, written into every file meta header. */
const IMPLEMENTATION_CLASS_UID = '2.25.220017267928720081417127122127323112051';
const IMPLEMENTATION_VERSION_NAME = 'MEDSAM_OHIF_01';

const MAX_CHARS: Record<string, number> = { AE: 16, AS: 4, CS: 16, DA: 8, DS: 16, IS: 12, LO: 64, LT: 10240, SH: 16, ST: 1024, TM: 16, UI: 64 };

export type Dataset = Record<string, unknown>;

function checkDataset(ds: Dataset, path: string): void {
  const vrMap = (ds._vrMap ?? {}) as Record<string, string>;
  for (const [keyword, value] of Object.entries(ds)) {
    if (keyword === '_vrMap' || keyword === '_meta') continue;
    const entry = dcmjs.DicomMetaDictionary.nameMap[keyword];
    if (!entry) throw new SegError('BAD_INPUT', `internal: ${path}${keyword} is not a DICOM keyword dcmjs knows`);
    const vr = vrMap[keyword] ?? entry.vr;
    if (vr === 'SQ') {
      if (!Array.isArray(value)) throw new SegError('BAD_INPUT', `internal: ${path}${keyword} must be a list of items`);
      value.forEach((item: Dataset, i) => checkDataset(item, `${path}${keyword}[${i}].`));
      continue;
    }
    const max = MAX_CHARS[vr];
    if (max === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && v.length > max) {
        throw new SegError('BAD_INPUT', `${path}${keyword} value "${v}" is longer than ${max} characters (DICOM ${vr})`);
      }
    }
  }
}

/**
 * Pixel Data (7FE0,0010) as OB in Explicit VR Little Endian, appended after everything dcmjs wrote: it is the
 * last element of the dataset, and dcmjs takes seconds to copy tens of megabytes through its stream.
 */
function appendPixelData(head: Uint8Array, pixels: Uint8Array): Uint8Array {
  if (pixels.length % 2) throw new SegError('BAD_INPUT', 'internal: Pixel Data must have an even length');
  const out = new Uint8Array(head.length + 12 + pixels.length);
  out.set(head, 0);
  const view = new DataView(out.buffer, head.length, 12);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  view.setUint8(4, 0x4f); // 'O'
  view.setUint8(5, 0x42); // 'B'
  view.setUint32(8, pixels.length, true);
  out.set(pixels, head.length + 12);
  return out;
}

/**
 * A complete Part 10 file: preamble, file meta information, then the dataset in Explicit VR Little Endian.
 * `pixelData` is written as OB after the dataset, which must not hold tags above (7FE0,0010).
 */
export function writePart10(dataset: Dataset, pixelData?: Uint8Array): Uint8Array {
  checkDataset(dataset, '');
  const meta = dcmjs.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
    _vrMap: { FileMetaInformationVersion: 'OB' },
  });
  const file = new dcmjs.DicomDict(meta);
  file.dict = dcmjs.DicomMetaDictionary.denaturalizeDataset(dataset);
  if (pixelData !== undefined && Object.keys(file.dict).some((tag) => tag >= '7FE00010')) {
    throw new SegError('BAD_INPUT', 'internal: the dataset already has elements at or after Pixel Data');
  }
  const head = new Uint8Array(file.write());
  return pixelData === undefined ? head : appendPixelData(head, pixelData);
}

export interface ReadPart10 {
  readonly transferSyntaxUID: string;
  readonly dataset: Dataset;
}

export function readPart10(bytes: Uint8Array): ReadPart10 {
  const buffer = bytes.slice().buffer;
  let parsed;
  try {
    parsed = withDcmjsSilenced(log, () => dcmjs.DicomMessage.readFile(buffer));
  } catch (e) {
    throw new SegError('BAD_SEG', `not a readable DICOM file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const meta = dcmjs.DicomMetaDictionary.naturalizeDataset(parsed.meta);
  return {
    transferSyntaxUID: typeof meta.TransferSyntaxUID === 'string' ? meta.TransferSyntaxUID : '',
    dataset: dcmjs.DicomMetaDictionary.naturalizeDataset(parsed.dict),
  };
}
