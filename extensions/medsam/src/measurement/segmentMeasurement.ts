import type { MedSamRuntime } from '../controller/createRuntime';
import type { Services } from '../types/ohif';
import { toPlainError } from '../utils/plainError';
import { boxFromMeasurement } from './boxFromMeasurement';
import { measurementOnImage } from './measurementOnImage';

export interface SegmentMeasurementOptions {
  /** Default: the selected measurement, else the newest Bidirectional / Length / RectangleROI one. */
  readonly annotationUID?: string;
  /** Then propagate through the volume ("Segment in 3D" from that box). */
  readonly in3d?: boolean;
  readonly viewportId?: string;
}

/**
 * RECIST to MedSAM: a measurement's box (boxFromMeasurement) → a 2D preview on its image, and in 3D when asked.
 * Never throws: a missing or unusable measurement becomes the panel's plain-words error.
 */
export async function segmentMeasurement(runtime: Pick<MedSamRuntime, 'controller' | 'volume3d' | 'store'>, services: Services, options: SegmentMeasurementOptions = {}): Promise<void> {
  const { controller, volume3d, store } = runtime;
  try {
    const m = measurementOnImage(options.annotationUID);
    const viewportId = options.viewportId ?? services.viewportGridService.getActiveViewportId();
    volume3d.reject();
    await controller.segmentBox({ viewportId, imageId: m.imageId, box: boxFromMeasurement(m.toolName, m.points), slice: 0 });
    if (options.in3d === true && controller.hasPreview()) await volume3d.segment();
  } catch (e) {
    store.update({ error: toPlainError(e) });
  }
}
