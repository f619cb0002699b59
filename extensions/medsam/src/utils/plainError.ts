/** Errors of the OHIF glue itself (the core's MedSamError covers the pipeline). */
export type GlueErrorCode = 'NOT_ACQUISITION_PLANE' | 'NO_IMAGE' | 'NO_SEGMENTATION' | 'NO_MEASUREMENT' | 'NO_KEY_BOXES' | 'CONFIG';

export class GlueError extends Error {
  override name = 'GlueError';
  constructor(
    readonly code: GlueErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the panel shows: a headline a radiologist understands, the technical detail, and what to do. */
export interface PlainError {
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly advice: string;
}

const WORDING: Record<string, { title: string; advice: string }> = {
  BAD_BOX: { title: 'The box cannot be segmented', advice: 'Draw the box on the image, around the structure you want.' },
  BAD_IMAGE: { title: 'This image cannot be segmented', advice: 'Try another series; MedSAM needs a greyscale or RGB image with some contrast.' },
  BAD_MANIFEST: { title: 'The model description is invalid', advice: 'Ask your administrator to check the MedSAM model manifest.' },
  MODEL_UNAVAILABLE: { title: 'The MedSAM model could not be loaded', advice: 'Check the network connection and the model address, then press "Load model".' },
  MODEL_HASH_MISMATCH: { title: 'The model files are damaged or do not match', advice: 'Press "Load model" to download them again; if it persists, ask your administrator.' },
  MODEL_CONTRACT: { title: 'These model files are not a MedSAM model this viewer understands', advice: 'Ask your administrator to check the model export.' },
  INFERENCE_FAILED: { title: 'The model failed while segmenting', advice: 'Try again; if it persists, switch the backend to WASM.' },
  SERVICE_UNAVAILABLE: {
    title: 'The embedding service stopped answering',
    advice: 'Draw the box again in a moment. If it keeps failing, set "Computed by" in this panel to "Service, else this browser" or "This browser", or ask your administrator.',
  },
  CANCELLED: { title: 'The request was cancelled', advice: 'Draw the box again.' },
  WORKER_FAILED: { title: 'The segmentation engine stopped', advice: 'Press "Load model" to restart it; if it persists, reload the page.' },
  NOT_ACQUISITION_PLANE: { title: 'MedSAM works on the original slices only', advice: 'Switch this viewport to the acquisition plane (e.g. axial for an axial CT) and draw again.' },
  NO_IMAGE: { title: 'There is no image under the box', advice: 'Wait until the image has loaded and draw the box on it.' },
  NO_MEASUREMENT: { title: 'No measurement to segment', advice: 'Draw a Bidirectional, Length or Rectangle measurement on the lesion (or select one), then try again.' },
  NO_KEY_BOXES: {
    title: 'The key-slice boxes cannot be used',
    advice: 'Press "Collect key boxes" (K) and draw a box around the structure on a few slices (every 3 to 10), all in one series, then "Segment from key slices" (Shift+K).',
  },
  NO_SEGMENTATION: { title: 'No segmentation could be prepared for this series', advice: 'Create a segmentation in the Segmentation panel and try again.' },
  CONFIG: { title: 'The MedSAM settings are invalid', advice: 'Ask your administrator to check the "medsam" section of the viewer configuration.' },
};

const FALLBACK = { title: 'Something went wrong', advice: 'Try again; if it persists, reload the page.' };

/** Any thrown value → plain words (errors carrying a `code` get their specific wording). */
export function toPlainError(e: unknown): PlainError {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'INTERNAL';
  const detail = e instanceof Error ? e.message : String(e);
  const wording = WORDING[code] ?? FALLBACK;
  return { code, title: wording.title, detail, advice: wording.advice };
}
