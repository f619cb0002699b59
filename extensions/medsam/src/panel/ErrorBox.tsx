import React from 'react';
import type { PlainError } from '../utils/plainError';
import { styles } from './styles';

/** An error in plain words first; the technical detail underneath, for the administrator. */
export function ErrorBox({ error, onDismiss, dataCy = 'medsam-error' }: { error: PlainError; onDismiss: () => void; dataCy?: string }) {
  return (
    <div style={styles.error} role="alert" data-cy={dataCy} data-code={error.code}>
      <div style={styles.errorTitle}>{error.title}</div>
      <div>{error.advice}</div>
      <div style={styles.details}>{error.detail}</div>
      <div style={styles.row}>
        <button style={styles.button} onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
