import { utilities as csUtils, type Types } from '@cornerstonejs/core';
import { annotation as csAnnotation } from '@cornerstonejs/tools';
import { GlueError } from '../utils/plainError';
import { MEASUREMENT_TOOLS, type ImagePoint, type MeasurementTool } from './boxFromMeasurement';

export interface MeasurementOnImage {
  readonly annotationUID: string;
  readonly toolName: MeasurementTool;
  readonly imageId: string;
  /** Its handle points in image pixels (x = column, y = row; pixel centres at integers, as the box tool). */
  readonly points: readonly ImagePoint[];
}

interface MeasurementAnnotation {
  readonly annotationUID?: string;
  readonly metadata?: { readonly toolName?: string; readonly referencedImageId?: string };
  readonly data?: { readonly handles?: { readonly points?: readonly Types.Point3[] } };
}

const isMeasurementTool = (name: string | undefined): name is MeasurementTool => (MEASUREMENT_TOOLS as readonly string[]).includes(name ?? '');

/**
 * The measurement to segment: the given annotation, else the selected one, else the newest Bidirectional, Length
 * or RectangleROI measurement; with its points on the image it was drawn on.
 */
export function measurementOnImage(annotationUID?: string): MeasurementOnImage {
  const all = (csAnnotation.state.getAllAnnotations() ?? []) as MeasurementAnnotation[];
  const selected = csAnnotation.selection.getAnnotationsSelected() ?? [];
  const uid =
    annotationUID ??
    selected.find((id) => isMeasurementTool((csAnnotation.state.getAnnotation(id) as MeasurementAnnotation | undefined)?.metadata?.toolName)) ??
    [...all].reverse().find((a) => isMeasurementTool(a.metadata?.toolName))?.annotationUID;
  if (!uid) throw new GlueError('NO_MEASUREMENT', `there is no ${MEASUREMENT_TOOLS.join(', ')} measurement to segment: draw one first`);
  const found = csAnnotation.state.getAnnotation(uid) as MeasurementAnnotation | undefined;
  const toolName = found?.metadata?.toolName;
  if (!found || !isMeasurementTool(toolName)) throw new GlueError('NO_MEASUREMENT', `measurement ${uid} is not a ${MEASUREMENT_TOOLS.join(', ')} measurement`);
  const imageId = found.metadata?.referencedImageId;
  if (!imageId) throw new GlueError('NO_MEASUREMENT', 'the measurement is not on one image (drawn on a reformatted view?): draw it in the acquisition plane');
  const world = found.data?.handles?.points ?? [];
  // worldToImageCoords counts from the first pixel's corner; MedSAM's boxes from its centre.
  const points = world.map((p): ImagePoint => {
    const at = csUtils.worldToImageCoords(imageId, p as Types.Point3);
    if (!at) throw new GlueError('NO_MEASUREMENT', `the measurement's image ${imageId} has no geometry`);
    return [at[0] - 0.5, at[1] - 0.5];
  });
  return { annotationUID: uid, toolName, imageId, points };
}
