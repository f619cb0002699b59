/**
 * Why a segmentation could not be encoded. `code` lets the OHIF glue word the message for the user without
 * parsing it: BAD_INPUT is a caller bug, BAD_SOURCE means the source images lack what DICOM-SEG needs,
 * EMPTY means there is nothing to store, BAD_SEG is a file this reader cannot decode.
 */
export type SegErrorCode = 'BAD_INPUT' | 'BAD_SOURCE' | 'EMPTY' | 'BAD_SEG';

export class SegError extends Error {
  constructor(
    readonly code: SegErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SegError';
  }
}
