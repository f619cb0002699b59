import React, { useEffect, useState, useSyncExternalStore } from 'react';
import { DEFAULT_TARGET, SEGMENT_TARGETS, type SegmentTargetKey } from '../seg';
import type { SegSaver } from '../store/SegSaver';
import { targetKey, type SaveOutcome, type SaveStage } from '../store/saveState';
import { ErrorBox } from './ErrorBox';
import { formatBytes, formatMs } from './format';
import { styles } from './styles';

const STAGE_TEXT: Record<SaveStage, string> = {
  collecting: 'Reading the segmentation',
  encoding: 'Encoding DICOM-SEG',
  sending: 'Sending to the PACS',
};

const TARGET_CHOICES = (Object.keys(SEGMENT_TARGETS) as SegmentTargetKey[]).map((key) => ({ key, meaning: SEGMENT_TARGETS[key].type.meaning }));

function useSegments(saver: SegSaver, segmentationId: string | null) {
  const [tick, setTick] = useState(0);
  useEffect(() => saver.onSegmentationsChanged(() => setTick((t) => t + 1)), [saver]);
  // tick: re-read after segment changes (the list lives in OHIF's service, not in a store).
  return React.useMemo(() => (segmentationId ? saver.segmentList(segmentationId) : []), [saver, segmentationId, tick]);
}

function Saved({ outcome }: { outcome: Extract<SaveOutcome, { ok: true }> }) {
  return (
    <div style={styles.success} role="status" data-cy="medsam-save-success" data-series-uid={outcome.seriesInstanceUID} data-sop-uid={outcome.sopInstanceUID}>
      <div style={styles.value}>
        Saved to the PACS as series {outcome.seriesNumber} “{outcome.seriesDescription}”, instance {outcome.instanceNumber}.
      </div>
      {outcome.repeated && <div style={styles.muted}>Unchanged since the last attempt: the same object was sent again, so the PACS keeps one copy.</div>}
      {!outcome.repeated && outcome.instanceNumber > 1 && <div style={styles.muted}>Changed since the last save: a new instance in the same series.</div>}
      <div style={styles.muted}>
        {outcome.segments.length} segment{outcome.segments.length === 1 ? '' : 's'} on {outcome.frames} image{outcome.frames === 1 ? '' : 's'} · {formatBytes(outcome.bytes)} · {formatMs(outcome.ms)}
      </div>
      {outcome.emptySegments.length > 0 && <div style={styles.muted}>Empty segments not saved: {outcome.emptySegments.join(', ')}.</div>}
      {outcome.warning && <div style={styles.muted}>The PACS noted: {outcome.warning}.</div>}
      <div style={styles.uid}>Series Instance UID {outcome.seriesInstanceUID}</div>
    </div>
  );
}

/** How many segments of the segmentation changed since its last save. */
function useUnsaved(saver: SegSaver, segmentationId: string | null): number {
  const { state } = saver.unsaved;
  const unsaved = useSyncExternalStore(state.subscribe, state.getState);
  return segmentationId ? (unsaved[segmentationId]?.length ?? 0) : 0;
}

/** "Save to PACS": what each segment is, the button, progress, and the PACS's answer in plain words. */
export function SaveSection({ saver, segmentationId }: { saver: SegSaver; segmentationId: string | null }) {
  const state = useSyncExternalStore(saver.state.subscribe, saver.state.getState);
  const segments = useSegments(saver, segmentationId);
  const saving = state.status === 'saving';
  const last = state.last && (state.last.ok ? state.last.segmentationId === segmentationId : true) ? state.last : null;
  const unsaved = useUnsaved(saver, segmentationId);
  return (
    <div style={styles.section} data-cy="medsam-save" data-status={state.status}>
      <div style={styles.heading}>Save to PACS</div>
      {!segmentationId && <div style={styles.muted}>No segmentation to save yet.</div>}
      {segmentationId && (
        <table style={styles.table}>
          <tbody>
            {segments.map((s) => (
              <tr key={s.segmentIndex}>
                <td style={styles.cellLabel}>{s.label || `Segment ${s.segmentIndex}`}</td>
                <td>
                  <select
                    style={styles.select}
                    value={state.targets[targetKey(segmentationId, s.segmentIndex)] ?? DEFAULT_TARGET}
                    onChange={(e) => saver.setTarget(segmentationId, s.segmentIndex, e.target.value as SegmentTargetKey)}
                    aria-label={`What segment ${s.segmentIndex} is`}
                    data-cy={`medsam-save-target-${s.segmentIndex}`}
                  >
                    {TARGET_CHOICES.map((c) => (
                      <option key={c.key} value={c.key}>
                        {c.meaning}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div style={styles.row}>
        <button style={styles.primary} disabled={saving || !segmentationId} onClick={() => void saver.save(segmentationId ? { segmentationId } : {})} data-cy="medsam-save-button">
          {saving ? 'Saving…' : 'Save to PACS'}
        </button>
        {saving && state.stage && (
          <span style={styles.muted} data-cy="medsam-save-progress">
            {STAGE_TEXT[state.stage]}…
          </span>
        )}
      </div>
      {unsaved > 0 && (
        <div style={styles.muted} data-cy="medsam-unsaved">
          {unsaved === 1 ? '1 segment changed' : `${unsaved} segments changed`} since the last save: not in the PACS yet.
        </div>
      )}
      {!saving && last?.ok && unsaved === 0 && <Saved outcome={last} />}
      {!saving && last && !last.ok && <ErrorBox error={last.error} onDismiss={() => saver.state.update({ last: null, status: 'idle' })} dataCy="medsam-save-error" />}
    </div>
  );
}
