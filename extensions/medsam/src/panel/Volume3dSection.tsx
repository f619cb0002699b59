import React, { useSyncExternalStore } from 'react';
import { COLLECT_KEYS_KEY_LABEL, MARK_FIRST_KEY_LABEL, MARK_LAST_KEY_LABEL, SEGMENT_3D_KEY_LABEL, SEGMENT_KEYS_KEY_LABEL } from '../host/segment3dKeys';
import { imagesInWords, shownNumber } from '../volume3d/sliceNumbers';
import type { KeyBoxes, Volume3dRun, Volume3dResultView } from '../volume3d/state';
import type { Volume3dController } from '../volume3d/Volume3dController';
import { ErrorBox } from './ErrorBox';
import { formatMs } from './format';
import { styles } from './styles';

const PHASE_TEXT: Record<Volume3dResultView['phase'], string> = {
  preview: '3D preview: scroll through it; Enter accepts every slice, Esc discards',
  accepted: '3D result accepted (one Ctrl+Z takes back every slice)',
  discarded: '3D preview discarded',
  undone: '3D accept undone',
};

/** A mark as the number OHIF's overlay showed for it where it was made. */
const marked = (slice: number | null, number: number | null | undefined) => (slice === null ? 'not set' : `image ${number ?? slice + 1}`);

function RunLine({ run, onCancel }: { run: Extract<Volume3dRun, { status: 'running' }>; onCancel: () => void }) {
  const left = run.msLeft === null ? 'estimating the time left' : `about ${formatMs(run.msLeft)} left${run.mode === 'one-box' ? ' at most' : ''}`;
  return (
    <div data-cy="medsam-3d-running">
      <div>
        {run.cancelling ? 'Cancelling after this slice…' : `Segmenting in 3D: ${run.done} of ${run.planned || '…'} slices, ${left}`}
      </div>
      <progress style={{ display: 'block', width: '100%' }} value={run.done} max={Math.max(1, run.planned)} data-cy="medsam-3d-progress" />
      <div style={styles.row}>
        <button style={styles.button} onClick={onCancel} disabled={run.cancelling} data-cy="medsam-3d-cancel">
          Cancel (keeps the slices done)
        </button>
      </div>
    </div>
  );
}

/** Slices named by the numbers OHIF's overlay shows in the viewport the run was in. */
function promptInWords(result: Volume3dResultView): string {
  const n = (k: number) => shownNumber(result.numbering, k);
  const range = result.range ? `range ${imagesInWords(result.numbering, result.range[0], result.range[1])}` : 'no range';
  if (result.mode === 'key-slices') return `boxes on images ${(result.keySlices ?? []).map(n).sort((a, b) => a - b).join(', ')} (interpolated between), ${range}`;
  return result.mode === 'box3d' ? `MedSAM's 3D box: the box on image ${n(result.keySlice)}, ${range}` : `one box on image ${n(result.keySlice)}, no range`;
}

/** Key-slice boxes: collect on/off, the boxes kept (each removable), and the run from them. */
function KeySliceLines({ keys, running, volume3d }: { keys: KeyBoxes; running: boolean; volume3d: Volume3dController }) {
  return (
    <div data-cy="medsam-3d-keys">
      <div style={styles.row}>
        <button style={keys.collecting ? styles.primary : styles.button} onClick={() => volume3d.collectKeys()} data-cy="medsam-3d-keys-collect" aria-pressed={keys.collecting}>
          {keys.collecting ? `Stop collecting key boxes (${COLLECT_KEYS_KEY_LABEL})` : `Collect key boxes (${COLLECT_KEYS_KEY_LABEL})`}
        </button>
        <button style={styles.primary} onClick={() => void volume3d.segmentKeySlices()} disabled={running || keys.boxes.length === 0} data-cy="medsam-3d-keys-run">
          Segment from key slices ({SEGMENT_KEYS_KEY_LABEL})
        </button>
      </div>
      {keys.collecting && <div style={styles.muted}>Each box you draw now is kept as the key box of its slice (one per slice; draw again to replace it). Every 3 to 10 slices is enough.</div>}
      {keys.boxes.length > 0 && (
        <table style={styles.table} data-cy="medsam-3d-keys-list">
          <tbody>
            {[...keys.boxes].sort((a, b) => a.number - b.number).map((k) => (
              <tr key={k.imageId} data-cy="medsam-3d-key" data-slice={k.slice} data-number={k.number}>
                <td style={styles.cellLabel}>image {k.number}</td>
                <td>
                  {Math.round(k.box.x1 - k.box.x0)} × {Math.round(k.box.y1 - k.box.y0)} px
                </td>
                <td>
                  <button style={styles.button} onClick={() => volume3d.removeKeyBox(k.imageId)} data-cy="medsam-3d-key-remove" aria-label={`Remove the key box on image ${k.number}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys.boxes.length > 0 && (
        <div style={styles.row}>
          <button style={styles.button} onClick={() => volume3d.clearKeyBoxes()} data-cy="medsam-3d-keys-clear">
            Clear key boxes
          </button>
        </div>
      )}
    </div>
  );
}

function ResultLines({ result, onAccept, onReject }: { result: Volume3dResultView; onAccept: () => void; onReject: () => void }) {
  const extent = result.extent ? `${imagesInWords(result.numbering, result.extent[0], result.extent[1])} of ${result.imageCount}` : 'no image';
  const rows: [string, string][] = [
    ['Slices', `${result.slices.filter((s) => s.areaPixels > 0).length} with a mask (${extent})`],
    ['Volume', result.volumeMl === null ? result.volumeNote : `${result.volumeMl.toFixed(result.volumeMl < 10 ? 2 : 1)} mL, ${result.voxels} voxels (${result.volumeNote})`],
    ['Prompt', promptInWords(result)],
    ['Stopped', `${result.stops.up} ${result.stops.down}`],
    ['Time', formatMs(result.totalMs)],
    ...(result.decoder ? ([['Decoder', result.decoder]] as [string, string][]) : []),
  ];
  if (result.segmentIndex !== null) rows.push(['Segment', `${result.segmentIndex}${result.segmentLabel ? ` "${result.segmentLabel}"` : ''}${result.overlap === 'kept' ? ', other segments kept whole' : ''}`]);
  return (
    <div data-cy="medsam-3d-result" data-phase={result.phase}>
      <div style={styles.value} data-cy="medsam-3d-phase">
        {PHASE_TEXT[result.phase]}
        {result.cancelled ? ' (cancelled part-way)' : ''}
      </div>
      <table style={styles.table}>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <td style={styles.cellLabel}>{label}</td>
              <td data-cy={`medsam-3d-${label.toLowerCase()}`}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.phase === 'preview' && (
        <div style={styles.row}>
          <button style={styles.primary} onClick={onAccept} data-cy="medsam-3d-accept">
            Accept all slices (Enter)
          </button>
          <button style={styles.button} onClick={onReject} data-cy="medsam-3d-reject">
            Discard (Esc)
          </button>
        </div>
      )}
    </div>
  );
}

/** "Segment in 3D": the range marks, the run's progress with the time left, and the 3D result. */
export function Volume3dSection({ volume3d }: { volume3d: Volume3dController }) {
  const state = useSyncExternalStore(volume3d.store.subscribe, volume3d.store.getState);
  const { marks, run, result, keys } = state;
  return (
    <div style={styles.section} data-cy="medsam-3d">
      <div style={styles.heading}>3D</div>
      <div style={styles.muted}>
        After a box: "Segment in 3D" follows the structure up and down the series. Mark a first and last image to keep it inside a range
        (MedSAM's 3D box). Or collect boxes on several key slices: the slices between get interpolated boxes.
      </div>
      <div data-cy="medsam-3d-range">
        Range: {marks.first === null && marks.last === null ? 'none (stops where the structure ends)' : `first ${marked(marks.first, marks.firstNumber)}, last ${marked(marks.last, marks.lastNumber)}`}
      </div>
      <div style={styles.row}>
        <button style={styles.button} onClick={() => volume3d.mark('first')} data-cy="medsam-3d-mark-first">
          Mark first ({MARK_FIRST_KEY_LABEL})
        </button>
        <button style={styles.button} onClick={() => volume3d.mark('last')} data-cy="medsam-3d-mark-last">
          Mark last ({MARK_LAST_KEY_LABEL})
        </button>
        {(marks.first !== null || marks.last !== null) && (
          <button style={styles.button} onClick={() => volume3d.clearMarks()} data-cy="medsam-3d-clear-range">
            Clear range
          </button>
        )}
      </div>
      <div style={styles.row}>
        <button style={styles.primary} onClick={() => void volume3d.segment()} disabled={run.status === 'running'} data-cy="medsam-3d-run">
          Segment in 3D ({SEGMENT_3D_KEY_LABEL})
        </button>
      </div>
      <KeySliceLines keys={keys} running={run.status === 'running'} volume3d={volume3d} />
      {state.error && <ErrorBox error={state.error} onDismiss={() => volume3d.store.update({ error: null })} dataCy="medsam-3d-error" />}
      {run.status === 'running' && <RunLine run={run} onCancel={() => volume3d.cancel()} />}
      {result && <ResultLines result={result} onAccept={() => volume3d.accept()} onReject={() => volume3d.reject()} />}
    </div>
  );
}
