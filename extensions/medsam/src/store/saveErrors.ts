import type { PlainError } from '../utils/plainError';

/**
 * Why a save did not end with the object in the PACS. PACS_UNREACHABLE / PACS_TIMEOUT / PACS_REFUSED /
 * PACS_FORBIDDEN come from the store; the others stop the save before anything is sent.
 */
export type SaveErrorCode =
  | 'PACS_UNREACHABLE'
  | 'PACS_TIMEOUT'
  | 'PACS_REFUSED'
  | 'PACS_FORBIDDEN'
  | 'NO_DATA_SOURCE'
  | 'NO_SEGMENTATION'
  | 'PREVIEW_PENDING'
  | 'EMPTY'
  | 'OVERLAP'
  | 'BAD_SOURCE'
  | 'SAVE_BUSY'
  | 'INTERNAL';

export class SaveError extends Error {
  override name = 'SaveError';
  constructor(
    readonly code: SaveErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const KEPT = 'Your segmentation is still here, unchanged.';

const WORDING: Record<SaveErrorCode, { title: string; advice: string }> = {
  PACS_UNREACHABLE: { title: 'The PACS is not reachable', advice: `${KEPT} Try again when the connection is back.` },
  PACS_TIMEOUT: { title: 'The PACS did not answer in time', advice: `${KEPT} Save again: the same object is sent, so the PACS never keeps it twice.` },
  PACS_REFUSED: { title: 'The PACS refused the object', advice: `${KEPT} Ask your PACS administrator about the reason shown below.` },
  PACS_FORBIDDEN: { title: 'The PACS does not allow you to store objects', advice: `${KEPT} Log in again or ask your administrator for store rights.` },
  NO_DATA_SOURCE: { title: 'This study was not opened from a PACS that accepts new objects', advice: `${KEPT} Open the study from a DICOMweb data source with STOW-RS.` },
  NO_SEGMENTATION: { title: 'There is no segmentation to save', advice: 'Segment something with the MedSAM tool first (or select a segmentation).' },
  PREVIEW_PENDING: { title: 'A MedSAM preview is still open', advice: 'Accept it (Enter) or discard it (Esc), then save.' },
  EMPTY: { title: 'The segmentation is empty', advice: 'Nothing to save: no segment has a single voxel.' },
  OVERLAP: {
    title: 'Segments overlap',
    advice: `${KEPT} This viewer is set to save Label Map SEGs, which hold one segment per voxel; ask for segSopClass 'binary' (the default, which keeps overlapping segments whole) or erase the overlap and save again.`,
  },
  BAD_SOURCE: { title: 'The images lack what a DICOM segmentation needs', advice: `${KEPT} The detail below names the missing attribute; such series cannot be saved as DICOM-SEG.` },
  SAVE_BUSY: { title: 'A save is already running', advice: 'Wait until it has finished.' },
  INTERNAL: { title: 'The segmentation could not be saved', advice: `${KEPT} Try again; if it persists, report the detail below.` },
};

export function isSaveErrorCode(code: string): code is SaveErrorCode {
  return code in WORDING;
}

/** Plain words for the panel. SegError codes of the builder map onto ours. */
export function toSavePlainError(e: unknown): PlainError {
  const raw = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'INTERNAL';
  const code: SaveErrorCode = raw === 'BAD_SOURCE' || raw === 'EMPTY' ? raw : isSaveErrorCode(raw) ? raw : 'INTERNAL';
  const detail = e instanceof Error ? e.message : String(e);
  return { code, ...WORDING[code], detail };
}
