/** Parses a DICOM Part 10 file with dcmjs into a keyword-keyed dataset, with typed accessors. */
import { withDcmjsSilenced } from './dcmjsQuiet';
import { data as dcmjsData, log as dcmjsLog } from 'dcmjs';
import { imageError } from './errors';

export type NaturalDataset = Readonly<Record<string, unknown>>;

export interface ParsedDicom {
  readonly transferSyntaxUID: string;
  readonly dataset: NaturalDataset;
  /** Value representation dcmjs read for Pixel Data ("OB", "OW"), when present. */
  readonly pixelDataVr?: string;
}

export function hasDicomPreamble(bytes: Uint8Array): boolean {
  const DICM = [0x44, 0x49, 0x43, 0x4d];
  return bytes.length >= 132 && DICM.every((b, i) => bytes[128 + i] === b);
}

export function parseDicom(bytes: Uint8Array): ParsedDicom {
  if (!hasDicomPreamble(bytes)) {
    throw imageError('not a DICOM file (no "DICM" marker after the 128-byte preamble)');
  }
  const buffer = new Uint8Array(bytes).buffer;
  const read = (ignoreErrors: boolean) => withDcmjsSilenced(dcmjsLog, () => dcmjsData.DicomMessage.readFile(buffer, { ignoreErrors }));
  let parsed;
  try {
    try {
      parsed = read(false);
    } catch (strictError) {
      // Character sets dcmjs cannot decode (e.g. ISO 2022 IR 87) only affect text: read again leniently.
      // Other errors are kept: a lenient read would silently drop the rest of a truncated file.
      if (!/character set/i.test(strictError instanceof Error ? strictError.message : '')) throw strictError;
      parsed = read(true);
    }
  } catch (thrown) {
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    if (/reading 'Value'/.test(reason)) {
      throw imageError('DICOM file meta information has no Transfer Syntax UID (0002,0010)');
    }
    throw imageError(`DICOM file is truncated or corrupt: ${reason}`);
  }
  const meta = dcmjsData.DicomMetaDictionary.naturalizeDataset(parsed.meta);
  const transferSyntaxUID = typeof meta.TransferSyntaxUID === 'string' ? meta.TransferSyntaxUID.trim() : '';
  const dataset = dcmjsData.DicomMetaDictionary.naturalizeDataset(parsed.dict);
  return { transferSyntaxUID, dataset, pixelDataVr: parsed.dict['7FE00010']?.vr };
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

export function getString(ds: NaturalDataset, key: string): string | undefined {
  const v = first(ds[key]);
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function getNumber(ds: NaturalDataset, key: string): number | undefined {
  return toNumber(first(ds[key]));
}

export function getNumbers(ds: NaturalDataset, key: string): number[] | undefined {
  const raw = ds[key];
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const numbers = list.map(toNumber);
  return numbers.length > 0 && numbers.every((n) => n !== undefined) ? (numbers as number[]) : undefined;
}

/** The first item of a sequence (naturalised as an array of datasets, or a single dataset). */
export function getItem(ds: NaturalDataset, key: string, index = 0): NaturalDataset | undefined {
  const raw = ds[key];
  const item = Array.isArray(raw) ? raw[index] : index === 0 ? raw : undefined;
  return item && typeof item === 'object' && !(item instanceof ArrayBuffer) ? (item as NaturalDataset) : undefined;
}
