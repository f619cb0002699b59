// Where SEGs and their source images come from: a local folder or a DICOMweb PACS. Both answer the same
// questions, so the dataset builder does not care which it reads.

/** A SEG instance found by the search, with what the filters need. */
export interface SegRef {
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly sopInstanceUID: string;
  readonly studyDate?: string;
  /** How to name it in messages: the file path or the DICOMweb URL. */
  readonly where: string;
}

export interface StudyFilter {
  readonly studyInstanceUID?: string;
  /** The SEG's series. */
  readonly seriesInstanceUID?: string;
  /** Inclusive YYYYMMDD bounds on StudyDate. */
  readonly dateFrom?: string;
  readonly dateTo?: string;
}

/** Raised when the source itself fails (PACS down, refused, unreadable folder): the run stops and can resume. */
export class SourceUnavailableError extends Error {}

/** Raised for one object that cannot be had (missing, unreadable): that object is skipped and reported. */
export class ObjectProblem extends Error {
  constructor(
    readonly object: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DatasetSource {
  /** e.g. "folder /data/pacs-export" or "DICOMweb http://pacs/dicom-web". */
  readonly description: string;
  findSegs(filter: StudyFilter): Promise<SegRef[]>;
  readSeg(ref: SegRef): Promise<Uint8Array>;
  /** Every instance of a series that the source holds, by SOP Instance UID (a missing one is simply absent). */
  readSeries(studyInstanceUID: string, seriesInstanceUID: string): Promise<ReadonlyMap<string, Uint8Array>>;
}

export function inDateRange(date: string | undefined, filter: StudyFilter): boolean {
  if (!filter.dateFrom && !filter.dateTo) return true;
  if (!date) return false;
  return (!filter.dateFrom || date >= filter.dateFrom) && (!filter.dateTo || date <= filter.dateTo);
}
