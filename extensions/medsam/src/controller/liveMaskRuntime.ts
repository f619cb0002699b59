import { getEnabledElementByViewportId } from '@cornerstonejs/core';
import type { Store } from './Store';
import type { MedSamState } from './state';
import type { EmbeddingInput } from './embeddingInput';
import type { InferenceClient } from '../inference/InferenceClient';
import { viewportSlices } from '../prefetch/viewportSlices';
import { labelmapEditor, type LabelmapEdit } from '../segmentation/LabelmapEditor';
import type { SegmentationTargets } from '../segmentation/segmentationTarget';
import { LiveMask } from './LiveMask';
import { PREVIEW_LABEL, showPreviewColour } from '../segmentation/previewColour';

/**
 * The live mask connected to the viewer: readiness from the background prefetch's report, the slice from the
 * same input the prefetch uses, and the drawing as the preview's (label 255) in the segmentation the preview
 * would go to — only where one already exists (a first box on a series shows its mask at mouse-up).
 */
export function liveMaskRuntime(deps: {
  readonly enabled: boolean;
  readonly busyElsewhere: () => boolean;
  readonly store: Store<MedSamState>;
  readonly client: Pick<InferenceClient, 'segment'>;
  readonly targets: SegmentationTargets;
  readonly input: (viewportId: string, imageId: string) => Promise<EmbeddingInput>;
}): LiveMask<LabelmapEdit> {
  let edit: LabelmapEdit | null = null;
  /** `redrawn`: a write into that segmentation follows at once and redraws it. */
  const erase = (redrawn?: string) => {
    if (!edit) return;
    try {
      labelmapEditor.revert(edit, { notify: edit.segmentationId !== redrawn });
    } catch {
      // the segmentation went away meanwhile: nothing to restore
    }
    edit = null;
  };
  return new LiveMask<LabelmapEdit>({
    active: () => deps.enabled && deps.store.getState().model.status === 'ready' && !deps.busyElsewhere(),
    embeddingReady: (viewportId, imageId) => {
      const prefetch = deps.store.getState().prefetch;
      if (!prefetch || prefetch.viewportId !== viewportId) return false;
      const slices = viewportSlices(getEnabledElementByViewportId(viewportId)?.viewport);
      const position = slices ? slices.imageIds.indexOf(imageId) : -1;
      return position >= 0 && prefetch.ready.includes(position);
    },
    input: async (viewportId, imageId) => {
      const { image, ref, normalization } = await deps.input(viewportId, imageId);
      return { image, imageRef: ref, normalization };
    },
    segment: (request) => deps.client.segment(request),
    draw: (box, result) => {
      const segmentationId = deps.targets.find(box.viewportId, box.imageId);
      if (!segmentationId) return false;
      erase(segmentationId);
      edit = labelmapEditor.write(segmentationId, deps.targets.previewSegment(segmentationId), box.imageId, result.mask, PREVIEW_LABEL);
      showPreviewColour(box.viewportId, segmentationId);
      return true;
    },
    erase,
    take: () => {
      const taken = edit;
      edit = null;
      return taken;
    },
  });
}
