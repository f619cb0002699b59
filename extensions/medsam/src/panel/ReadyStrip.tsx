import React from 'react';
import type { PrefetchView } from '../controller/state';
import { describeRanges } from '../prefetch/planSlices';
import { styles } from './styles';

const MAX_CELLS = 120;

/** One cell per slice (grouped for long series): ready ones filled, queued ones dim, the shown one outlined. */
export function ReadyStrip({ view }: { view: PrefetchView }) {
  const per = Math.max(1, Math.ceil(view.total / MAX_CELLS));
  const ready = new Set(view.ready);
  const pending = new Set(view.pending);
  const cells = Array.from({ length: Math.ceil(view.total / per) }, (_, c) => {
    const slices = Array.from({ length: Math.min(per, view.total - c * per) }, (_, i) => c * per + i);
    const state = slices.every((s) => ready.has(s)) ? 'ready' : slices.some((s) => pending.has(s)) ? 'pending' : 'none';
    return { c, state, current: slices.includes(view.current) };
  });
  const text = view.ready.length ? `ready: ${describeRanges(view.ready)} of ${view.total}` : `none ready yet of ${view.total}`;
  return (
    <div data-cy="medsam-prefetch" data-ready={view.ready.join(',')} data-pending={view.pending.join(',')}>
      <div style={{ display: 'flex', gap: 1, height: 8, margin: '4px 0' }} aria-hidden>
        {cells.map(({ c, state, current }) => (
          <div
            key={c}
            style={{
              flex: 1,
              background: state === 'ready' ? '#5acce6' : state === 'pending' ? '#3b3b1f' : '#1f2f4a',
              outline: current ? '1px solid #ffffff' : undefined,
            }}
          />
        ))}
      </div>
      <div style={styles.muted} data-cy="medsam-prefetch-text">
        Slice {view.current + 1}: embeddings {text}
        {view.pending.length ? ` · ${view.pending.length} in progress` : ''}
      </div>
      {view.error && (
        <div style={styles.details} data-cy="medsam-prefetch-error">
          Background embedding failed: {view.error}
        </div>
      )}
    </div>
  );
}
