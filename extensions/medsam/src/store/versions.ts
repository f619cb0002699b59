import { newUid } from '../seg';

/** What makes one stored object distinct: the PACS keys on the SOP Instance UID alone. */
export interface InstanceIdentity {
  readonly sopInstanceUID: string;
  readonly instanceNumber: number;
  readonly contentDateTime: Date;
}

export interface Attempt extends InstanceIdentity {
  readonly bytes: Uint8Array;
}

export interface SeriesIdentity {
  readonly seriesInstanceUID: string;
  readonly seriesNumber: number;
}

interface Entry {
  readonly series: SeriesIdentity;
  last: Attempt | null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The versioning rule of "Save to PACS", per segmentation:
 * - one series for the segmentation's life in the viewer (UID and number chosen at the first save);
 * - a save whose content is identical to the previous attempt (failed or not) sends the previous attempt's
 *   object again, byte for byte: same SOP Instance UID, InstanceNumber and ContentDate/Time, so a PACS that
 *   already got it keeps one copy;
 * - changed content gets a new SOP Instance UID in the same series, InstanceNumber + 1. A UID is never reused
 *   for other content: a PACS that has it keeps the old object and still reports success (Orthanc does).
 */
export class SaveVersions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly makeUid: () => string = newUid,
    private readonly now: () => Date = () => new Date(),
  ) {}

  series(segmentationId: string, create: () => SeriesIdentity): SeriesIdentity {
    let entry = this.entries.get(segmentationId);
    if (!entry) {
      entry = { series: create(), last: null };
      this.entries.set(segmentationId, entry);
    }
    return entry.series;
  }

  /** The object to send now; `repeated` when it is the previous attempt's object again. */
  next(segmentationId: string, build: (identity: InstanceIdentity) => Uint8Array): { attempt: Attempt; repeated: boolean } {
    const entry = this.entries.get(segmentationId);
    if (!entry) throw new Error(`internal: no series for segmentation ${segmentationId}`);
    const last = entry.last;
    if (last) {
      const again = build(last);
      if (sameBytes(again, last.bytes)) return { attempt: last, repeated: true };
    }
    const identity: InstanceIdentity = { sopInstanceUID: this.makeUid(), instanceNumber: (last?.instanceNumber ?? 0) + 1, contentDateTime: this.now() };
    const attempt: Attempt = { ...identity, bytes: build(identity) };
    entry.last = attempt;
    return { attempt, repeated: false };
  }

  seriesNumbers(): number[] {
    return [...this.entries.values()].map((e) => e.series.seriesNumber);
  }

  forget(segmentationId: string): void {
    this.entries.delete(segmentationId);
  }
}
