/** Modalities without pixel data to draw a box on. */
const NON_IMAGE = new Set(['SEG', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'RTRECORD', 'PR', 'SR', 'KO', 'DOC', 'ECG', 'SM', 'REG', 'PLAN']);

/** Valid when the study has at least one image series (CT, MR, PT, US, CR, DX, MG, XA, OT ...). */
export function isValidMode({ modalities }: { modalities: string }): { valid: boolean; description: string } {
  const list = (modalities ?? '').split('\\').filter(Boolean);
  const valid = list.some((m) => !NON_IMAGE.has(m.toUpperCase()));
  return { valid, description: valid ? 'MedSAM segments image series' : 'MedSAM needs an image series (this study has none)' };
}
