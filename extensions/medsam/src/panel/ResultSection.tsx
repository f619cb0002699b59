import React, { useEffect, useState } from 'react';
import type { JobStatus, ResultView, TargetView } from '../controller/state';
import { formatArea, formatBox, formatMs, formatWait, stageText } from './format';
import { styles } from './styles';
import { ACCEPT_NEW_SEGMENT_KEY_LABEL } from '../host/acceptNewSegmentKey';

const PHASE_TEXT: Record<ResultView['phase'], string> = {
  preview: 'Preview: Enter accepts, Esc discards',
  accepted: 'Accepted',
  discarded: 'Discarded',
  undone: 'Accept undone',
};

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function JobLine({ job }: { job: JobStatus }) {
  const now = useNow(job.status === 'running');
  if (job.status !== 'running') return null;
  return (
    <div style={styles.section} data-cy="medsam-job">
      {stageText(job.stage)}… <span style={styles.muted}>{formatMs(Math.max(0, now - job.startedAt))}</span>
      <progress style={{ display: 'block', width: '100%' }} aria-label={stageText(job.stage)} data-cy="medsam-job-progress" />
    </div>
  );
}

export function TargetLine({ target }: { target: TargetView | null }) {
  return (
    <div style={styles.section} data-cy="medsam-target">
      <div style={styles.heading}>Target</div>
      {target ? (
        <div>
          {target.segmentationLabel} ·{' '}
          {target.segmentIndex !== null ? `segment ${target.segmentIndex}${target.segmentLabel ? ` "${target.segmentLabel}"` : ''}` : 'a new segment'}
        </div>
      ) : (
        <div style={styles.muted}>No segmentation yet: the first result creates one for the series.</div>
      )}
    </div>
  );
}

interface ResultProps {
  readonly result: ResultView;
  readonly onAccept: (newSegment: boolean, replace?: boolean) => void;
  readonly onReject: () => void;
  readonly onUndo: () => void;
  readonly onClear: () => void;
}

export function ResultSection({ result, onAccept, onReject, onUndo, onClear }: ResultProps) {
  const rows: [string, string][] = [
    ['Area', `${formatArea(result.areaMm2)}, ${result.areaPixels} pixels`],
    ['Box', `${formatBox(result.box)}${result.boxClamped ? ' (cut to the image)' : ''}`],
    ['Intensity', result.normalization],
    ['Time', `${formatMs(result.totalMs)}${result.embeddingCacheHit ? ' (image embedding reused)' : ''}`],
  ];
  if (result.wait) rows.push(['Stages', formatWait(result.wait)]);
  if (result.segmentIndex !== null) rows.push(['Segment', `${result.segmentIndex}${result.segmentLabel ? ` "${result.segmentLabel}"` : ''}`]);
  return (
    <div style={styles.section} data-cy="medsam-result" data-phase={result.phase}>
      <div style={styles.heading}>Result</div>
      <div style={styles.value} data-cy="medsam-result-phase">
        {PHASE_TEXT[result.phase]}
      </div>
      <table style={styles.table}>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <td style={styles.cellLabel}>{label}</td>
              <td data-cy={`medsam-result-${label.toLowerCase()}`}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.warnings?.map((w) => (
        <div key={w} style={styles.muted} data-cy="medsam-result-warning">
          {w}
        </div>
      ))}
      {result.phase === 'preview' && result.overlaps?.length ? (
        <div style={styles.muted} data-cy="medsam-result-overlap">
          Overlaps {result.overlaps.map((o) => `"${o.label}" (segment ${o.segmentIndex}) by ${o.pixels} pixels`).join(', ')}. Accepting keeps every
          segment whole (an organ keeps the lesion inside it); "Replace overlap" takes these voxels from the others instead.
        </div>
      ) : null}
      {result.phase === 'accepted' && result.overlap === 'kept' ? (
        <div style={styles.muted} data-cy="medsam-result-overlap-kept">
          Overlapping segments kept whole: both hold the shared voxels, and both are saved that way.
        </div>
      ) : null}
      {result.phase === 'accepted' && result.overlap === 'replaced' ? (
        <div style={styles.muted} data-cy="medsam-result-overlap-replaced">
          The shared voxels now belong to this segment only (taken from the segments it covered; this viewer's cornerstone holds one segment per
          voxel, or Replace was chosen). Ctrl+Z gives them back.
        </div>
      ) : null}
      <div style={styles.row}>
        {result.phase === 'preview' && (
          <>
            <button style={styles.primary} onClick={() => onAccept(false)} data-cy="medsam-accept">
              Accept (Enter)
            </button>
            <button style={styles.button} onClick={() => onAccept(true)} data-cy="medsam-accept-new">
              As new segment ({ACCEPT_NEW_SEGMENT_KEY_LABEL})
            </button>
            {result.overlaps?.length ? (
              <button style={styles.button} onClick={() => onAccept(false, true)} data-cy="medsam-accept-replace">
                Replace overlap
              </button>
            ) : null}
            <button style={styles.button} onClick={onReject} data-cy="medsam-reject">
              Discard (Esc)
            </button>
          </>
        )}
        {result.phase === 'accepted' && (
          <button style={styles.button} onClick={onUndo} data-cy="medsam-undo">
            Undo (Ctrl+Z)
          </button>
        )}
        {result.phase !== 'preview' && (
          <button style={styles.button} onClick={onClear} data-cy="medsam-clear">
            Clear
          </button>
        )}
      </div>
    </div>
  );
}
