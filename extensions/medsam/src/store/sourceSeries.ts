// The source images under a labelmap, as the SEG builder wants them: every instance of their series (the
// builder derives slice spacing and thickness from the whole series) and, per imageId, the SOP instance and
// frame it shows.
import { metaData } from '@cornerstonejs/core';
import { sourceFromDataset, type SegSourceInstance } from '../seg';
import type { DisplaySet, DisplaySetService } from '../types/ohif';
import { frameNumberOf } from './frameNumber';
import { SaveError } from './saveErrors';

type Metadata = Readonly<Record<string, unknown>>;

export interface FrameRef {
  readonly sopInstanceUID: string;
  /** 1-based frame of a multi-frame instance. */
  readonly frameNumber?: number;
}

export interface SourceSeries {
  readonly displaySet: DisplaySet;
  readonly sources: readonly SegSourceInstance[];
  frameOf(imageId: string): FrameRef;
}

function instanceOf(imageId: string): Metadata {
  const instance = metaData.get('instance', imageId) as Metadata | undefined;
  if (!instance || typeof instance.SOPInstanceUID !== 'string') throw new SaveError('BAD_SOURCE', `no DICOM metadata for image ${imageId}`);
  return instance;
}

function toSource(instance: Metadata): SegSourceInstance {
  try {
    return sourceFromDataset(instance);
  } catch (e) {
    throw new SaveError('BAD_SOURCE', e instanceof Error ? e.message : String(e));
  }
}

export function sourceSeries(displaySetService: DisplaySetService, imageIds: readonly string[]): SourceSeries {
  const first = imageIds[0];
  const displaySet = first ? displaySetService.getActiveDisplaySets().find((d) => d.imageIds?.includes(first)) : undefined;
  if (!displaySet?.imageIds?.length) throw new SaveError('NO_SEGMENTATION', 'the segmentation lies over images of no series open in this study');
  const instances = displaySet.instances?.length ? displaySet.instances : displaySet.imageIds.map(instanceOf);
  const bySop = new Map<string, Metadata>();
  for (const instance of instances) if (typeof instance.SOPInstanceUID === 'string') bySop.set(instance.SOPInstanceUID, instance);
  const sources = [...bySop.values()].map(toSource);
  return {
    displaySet,
    sources,
    frameOf(imageId) {
      const sopInstanceUID = instanceOf(imageId).SOPInstanceUID as string;
      const frameNumber = frameNumberOf(imageId);
      return frameNumber !== undefined ? { sopInstanceUID, frameNumber } : { sopInstanceUID };
    },
  };
}
