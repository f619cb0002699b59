import { segmentation as csSegmentation } from '@cornerstonejs/tools';

/** The labelmap value a preview is drawn with until it is accepted (never a segment of its own). */
export const PREVIEW_LABEL = 255;
export const PREVIEW_COLOR: [number, number, number, number] = [255, 215, 0, 255];

/**
 * Gives the preview value its colour in the viewport, only when it does not have it yet: every colour change
 * makes cornerstone re-render the viewport (a long task with software GL), and a box or a live-mask frame
 * would otherwise pay one more render each time.
 */
export function showPreviewColour(viewportId: string, segmentationId: string): void {
  const { getSegmentIndexColor, setSegmentIndexColor } = csSegmentation.config.color;
  try {
    const current = getSegmentIndexColor(viewportId, segmentationId, PREVIEW_LABEL);
    if (current && PREVIEW_COLOR.every((c, i) => current[i] === c)) return;
    setSegmentIndexColor(viewportId, segmentationId, PREVIEW_LABEL, PREVIEW_COLOR);
  } catch {
    // older cornerstone: the preview still shows, in the colour table's own colour for that value
  }
}
