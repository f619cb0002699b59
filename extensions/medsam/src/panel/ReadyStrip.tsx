import React from 'react';
import type { PrefetchView } from '../controller/state';
import { readyStripModel } from './readyStripModel';
import { styles } from './styles';

const MAX_CELLS = 120;

/** One cell per slice (grouped for long series): ready ones filled, queued ones dim, the shown one outlined. */
export function ReadyStrip({ view }: { view: PrefetchView }) {
  const { cells, text } = readyStripModel(view, MAX_CELLS);
  return (
    <div data-cy="medsam-prefetch" data-ready={view.ready.join(',')} data-pending={view.pending.join(',')}>
      <div style={{ display: 'flex', gap: 1, height: 8, margin: '4px 0' }} aria-hidden>
        {cells.map(({ state, current }, c) => (
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
        {text}
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
