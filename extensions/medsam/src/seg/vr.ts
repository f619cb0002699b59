// Value formatting for the DICOM value representations the builder writes. dcmjs silently truncates
// over-long strings (turning 1.2345678901234567e-7 into "1.23456789012345"), so every value is made
// valid here and anything that cannot be made valid is an error rather than a corrupted attribute.
import { SegError } from './errors';

const DS_MAX = 16;

/** Decimal String: the shortest text (≤ 16 characters) that reads back as the same number, or the closest. */
export function formatDS(value: number): string {
  if (!Number.isFinite(value)) throw new SegError('BAD_INPUT', `${value} cannot be written as a DICOM decimal string`);
  if (Object.is(value, -0) || value === 0) return '0';
  const plain = String(value);
  if (plain.length <= DS_MAX) return plain;
  for (let digits = 16; digits >= 1; digits--) {
    const text = tidyExponent(Number(value.toPrecision(digits)).toString());
    if (text.length <= DS_MAX) return text;
    const sci = tidyExponent(value.toExponential(digits - 1));
    if (sci.length <= DS_MAX) return sci;
  }
  throw new SegError('BAD_INPUT', `${value} does not fit a 16-character DICOM decimal string`);
}

/** "1.50e+2" → "1.5e2": a valid DS mantissa without redundant zeros or a plus sign. */
function tidyExponent(text: string): string {
  const [mantissa, exponent] = text.split('e');
  if (exponent === undefined) return text;
  const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return `${m}e${exponent.replace('+', '')}`;
}

/** Integer String. */
export function formatIS(value: number, name: string): string {
  if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
    throw new SegError('BAD_INPUT', `${name} must be an integer, got ${value}`);
  }
  return String(value);
}

const MAX_LENGTH: Record<string, number> = { CS: 16, SH: 16, LO: 64, ST: 1024, LT: 10240, UI: 64, AE: 16 };

/** Checks a single-valued text attribute; `\` is the value separator in SH/LO/CS, so it is refused there. */
export function text(value: string, vr: 'CS' | 'SH' | 'LO' | 'ST' | 'LT', name: string): string {
  const max = MAX_LENGTH[vr];
  if ([...value].length > max) throw new SegError('BAD_INPUT', `${name} is longer than ${max} characters (DICOM ${vr}): "${value}"`);
  if ((vr === 'CS' || vr === 'SH' || vr === 'LO') && value.includes('\\')) {
    throw new SegError('BAD_INPUT', `${name} must not contain a backslash: "${value}"`);
  }
  // Control characters are not allowed except line breaks/tabs in the free-text VRs.
  const allowed = vr === 'ST' || vr === 'LT' ? /[\u0000-\u0008\u000b\u000e-\u001f]/ : /[\u0000-\u001f]/;
  if (allowed.test(value)) throw new SegError('BAD_INPUT', `${name} contains control characters`);
  if (vr === 'CS' && !/^[A-Z0-9 _]*$/.test(value)) {
    throw new SegError('BAD_INPUT', `${name} may only hold upper-case letters, digits, space and underscore: "${value}"`);
  }
  return value;
}

/** Content Label is a CS: upper case, digits, underscore, at most 16 characters. */
export function toCodeString(value: string, fallback: string): string {
  const cleaned = value
    .toUpperCase()
    .replace(/[^A-Z0-9_ ]/g, '_')
    .trim()
    .slice(0, 16)
    .trim();
  return cleaned === '' ? fallback : cleaned;
}

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export function uid(value: string, name: string): string {
  if (typeof value !== 'string' || value.length > 64 || !UID.test(value)) {
    throw new SegError('BAD_INPUT', `${name} is not a valid DICOM UID: ${JSON.stringify(value)}`);
  }
  return value;
}

/** A person name as OHIF/dcmjs metadata carries it: a string or the DICOM JSON { Alphabetic, ... } form. */
export type PersonNameValue =
  | string
  | { readonly Alphabetic?: string; readonly Ideographic?: string; readonly Phonetic?: string }
  | readonly PersonNameValue[];

// Array.isArray does not narrow readonly arrays out of a union.
const isList = (v: PersonNameValue): v is readonly PersonNameValue[] => Array.isArray(v);

export function personName(value: PersonNameValue | undefined, name: string): string {
  // Viewers' metadata (OHIF's DICOM JSON) gives an empty PN as null.
  if (value === undefined || value === null) return '';
  if (isList(value)) return value.length ? personName(value[0], name) : '';
  const groups =
    typeof value === 'string' ? value.split('=') : [value.Alphabetic ?? '', value.Ideographic ?? '', value.Phonetic ?? ''];
  for (const group of groups) {
    if ([...group].length > 64) throw new SegError('BAD_INPUT', `${name} has a name component group over 64 characters`);
    if (/[\\\u0000-\u001f]/.test(group)) throw new SegError('BAD_INPUT', `${name} contains a backslash or control characters`);
  }
  return groups.join('=').replace(/=+$/, '');
}

/** DA/TM copied from the source: kept when well-formed, otherwise left empty (both are Type 2 there). */
export function sourceDate(value: string | undefined): string {
  const v = (value ?? '').trim();
  return /^\d{8}$/.test(v) ? v : '';
}

export function sourceTime(value: string | undefined): string {
  const v = (value ?? '').trim();
  return /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/.test(v) ? v : '';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** DICOM DA and TM of a local date-time, as a viewer's user would read them. */
export function dicomDateTime(when: Date): { date: string; time: string } {
  if (Number.isNaN(when.getTime())) throw new SegError('BAD_INPUT', 'contentDateTime is not a valid date');
  return {
    date: `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}`,
    time: `${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`,
  };
}
