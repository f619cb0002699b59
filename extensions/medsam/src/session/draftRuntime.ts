import type { MedSamRuntime } from '../controller/createRuntime';
import { PANEL_ID } from '../id';
import type { SegSaver } from '../store/SegSaver';
import { targetKey } from '../store/saveState';
import type { Services } from '../types/ohif';
import { openKeyValueStore } from '../utils/idbStore';
import type { SegmentationDraft } from './draftCodec';
import type { SegmentDetails } from './draftFromViewer';
import { LocalDrafts } from './LocalDrafts';

/** Drafts are small (run lengths); this bounds a browser profile that never saves. */
const DRAFT_STORE_BYTES = 64 * 1024 * 1024;
const DRAFT_DATABASE = 'medsam-drafts';

let drafts: LocalDrafts | null = null;

/** The local drafts built in preRegistration (beside the saver, whose segment types and provenance they keep). */
export function getDrafts(): LocalDrafts {
  if (!drafts) throw new Error('the MedSAM extension was used before its preRegistration ran');
  return drafts;
}

export function initDrafts(services: Services, runtime: MedSamRuntime, saver: SegSaver): LocalDrafts {
  const details = (segmentationId: string, segmentIndex: number): SegmentDetails => {
    const viewportId = services.viewportGridService.getActiveViewportId();
    let color: readonly number[] | undefined;
    try {
      color = viewportId ? services.segmentationService.getSegmentColor?.(viewportId, segmentationId, segmentIndex) : undefined;
    } catch {
      color = undefined; // not shown in the active viewport: the restored segment gets the table's colour
    }
    const target = saver.state.getState().targets[targetKey(segmentationId, segmentIndex)];
    const provenance = saver.provenance.get(segmentationId, segmentIndex);
    return { ...(color ? { color: [...color] } : {}), ...(target ? { target } : {}), ...(provenance ? { provenance } : {}) };
  };
  drafts = new LocalDrafts({
    services,
    unsaved: runtime.unsaved,
    hasPreview: () => runtime.controller.hasPreview(),
    details,
    restoreDetails: (segmentationId, segmentIndex, d) => {
      if (d.target) saver.setTarget(segmentationId, segmentIndex, d.target);
      if (d.provenance) saver.provenance.restore(segmentationId, segmentIndex, d.provenance);
    },
    store: openKeyValueStore<SegmentationDraft>(DRAFT_DATABASE, DRAFT_STORE_BYTES).catch(() => null),
    showPanel: () => {
      try {
        services.panelService.activatePanel(PANEL_ID, true);
      } catch {
        // the offer waits in the panel
      }
    },
  });
  return drafts;
}
