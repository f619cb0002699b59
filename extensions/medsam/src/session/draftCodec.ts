/**
 * A local draft of an unsaved segmentation, compact enough to write after every accept: per segment its
 * label, colour, type and provenance, and per source frame where it has voxels its mask as run lengths.
 * Pure: no viewer, no IndexedDB (those are draftKeeper's and draftRestore's).
 */
import type { NormalizationRecord } from '@medsam-ohif/core';
import type { SegAlgorithm, SegmentTargetKey } from '../seg';

/** A source frame, by what survives a reload (imageIds carry the server's URL, SOP UIDs do not). */
export interface DraftFrame {
  readonly sopInstanceUID: string;
  /** 1-based frame of a multi-frame instance. */
  readonly frameNumber?: number;
}

export interface DraftSlice {
  readonly frame: DraftFrame;
  /** Alternating run lengths over the rows × columns mask, row-major, starting with a run of 0 (maybe empty). */
  readonly runs: Uint32Array;
}

export interface DraftSegment {
  readonly segmentIndex: number;
  readonly label: string;
  readonly color?: readonly number[];
  readonly target?: SegmentTargetKey;
  readonly provenance?: { readonly algorithm: SegAlgorithm; readonly normalization: NormalizationRecord };
  readonly slices: readonly DraftSlice[];
}

export const DRAFT_VERSION = 1;

export interface SegmentationDraft {
  readonly version: typeof DRAFT_VERSION;
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly segmentationId: string;
  readonly label: string;
  readonly rows: number;
  readonly columns: number;
  /** When it was written (ms since the epoch). */
  readonly updatedAt: number;
  readonly segments: readonly DraftSegment[];
}

/** One draft per study, series and segmentation. */
export function draftKey(d: Pick<SegmentationDraft, 'studyInstanceUID' | 'seriesInstanceUID' | 'segmentationId'>): string {
  return `${d.studyInstanceUID}|${d.seriesInstanceUID}|${d.segmentationId}`;
}

export function studyOfKey(key: string): string {
  return key.split('|')[0];
}

/**
 * A labelmap slice as (value, length) pairs: one pass over the voxels, after which each segment's mask is
 * derived from the (few) runs instead of the (many) voxels. Null when every voxel is 0.
 */
export function valueRuns(values: ArrayLike<number>): Uint32Array | null {
  const n = values.length;
  if (n === 0) return null;
  const out: number[] = [];
  let value = values[0];
  let start = 0;
  let anyNonZero = value !== 0;
  for (let i = 1; i < n; i++) {
    const v = values[i];
    if (v === value) continue;
    out.push(value, i - start);
    value = v;
    start = i;
    if (v !== 0) anyNonZero = true;
  }
  out.push(value, n - start);
  return anyNonZero ? Uint32Array.from(out) : null;
}

/** The mask `value === label` of a slice given as value runs, as alternating 0/1 run lengths; null when empty. */
export function maskRuns(pairs: Uint32Array, label: number): Uint32Array | null {
  const out: number[] = [];
  let inside = false;
  let length = 0;
  let any = false;
  for (let k = 0; k < pairs.length; k += 2) {
    const isLabel = pairs[k] === label;
    if (isLabel !== inside) {
      out.push(length);
      inside = isLabel;
      length = 0;
    }
    length += pairs[k + 1];
    if (isLabel) any = true;
  }
  out.push(length);
  return any ? Uint32Array.from(out) : null;
}

/** Alternating 0/1 run lengths → a rows × columns mask of 0 and 1 (refuses runs that do not fill it exactly). */
export function decodeRuns(runs: Uint32Array, length: number): Uint8Array {
  const mask = new Uint8Array(length);
  let at = 0;
  for (let k = 0; k < runs.length; k++) {
    const end = at + runs[k];
    if (end > length) throw new Error(`the draft's runs cover ${end} voxels, the slice has ${length}`);
    if (k % 2 === 1) mask.fill(1, at, end);
    at = end;
  }
  if (at !== length) throw new Error(`the draft's runs cover ${at} voxels, the slice has ${length}`);
  return mask;
}

/** Voxels set in a mask given as runs (the odd runs). */
export function runsArea(runs: Uint32Array): number {
  let n = 0;
  for (let k = 1; k < runs.length; k += 2) n += runs[k];
  return n;
}

/** Bytes the draft takes in storage, roughly (the store's size bound counts them). */
export function draftBytes(d: SegmentationDraft): number {
  let bytes = 512;
  for (const s of d.segments) {
    bytes += 256 + s.label.length * 2;
    for (const slice of s.slices) bytes += 96 + slice.runs.byteLength;
  }
  return bytes;
}

/** Realm-independent (a clone may come from another global: a worker, IndexedDB in a test runner). */
const isUint32Array = (v: unknown): v is Uint32Array => Object.prototype.toString.call(v) === '[object Uint32Array]';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** What IndexedDB gave back is a draft this version can restore (a stale or foreign record is not). */
export function isDraft(v: unknown): v is SegmentationDraft {
  if (!isRecord(v) || v.version !== DRAFT_VERSION) return false;
  const strings = ['studyInstanceUID', 'seriesInstanceUID', 'segmentationId', 'label'].every((k) => typeof v[k] === 'string');
  const numbers = ['rows', 'columns', 'updatedAt'].every((k) => Number.isFinite(v[k]));
  return (
    strings &&
    numbers &&
    Array.isArray(v.segments) &&
    v.segments.every(
      (s: unknown) =>
        isRecord(s) &&
        Number.isInteger(s.segmentIndex) &&
        typeof s.label === 'string' &&
        Array.isArray(s.slices) &&
        s.slices.every((sl: unknown) => isRecord(sl) && isUint32Array(sl.runs) && isRecord(sl.frame) && typeof sl.frame.sopInstanceUID === 'string'),
    )
  );
}

/** "14:02" (today) or "3 Dec, 14:02": when a draft was written, for the restore offer. */
export function draftTime(updatedAt: number, now: number = Date.now()): string {
  const at = new Date(updatedAt);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  if (new Date(now).toDateString() === at.toDateString()) return time;
  return `${at.getDate()} ${at.toLocaleString('en', { month: 'short' })}, ${time}`;
}
