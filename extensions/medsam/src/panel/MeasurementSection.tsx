import React from 'react';
import { styles } from './styles';

/** "From a measurement": the selected (or newest) Bidirectional, Length or RectangleROI measurement as the box. */
export function MeasurementSection({ onSegment }: { onSegment: (in3d: boolean) => void }) {
  return (
    <div style={styles.section} data-cy="medsam-measurement">
      <div style={styles.heading}>From a measurement</div>
      <div style={styles.row}>
        <button style={styles.button} onClick={() => onSegment(false)} data-cy="medsam-measurement-2d">
          Segment measurement
        </button>
        <button style={styles.button} onClick={() => onSegment(true)} data-cy="medsam-measurement-3d">
          In 3D
        </button>
      </div>
    </div>
  );
}
