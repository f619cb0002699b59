import React from 'react';
import type { PlainError } from '../utils/plainError';
import { styles } from './styles';

/** An error in plain words first; the technical detail underneath, for the administrator. */
export function ErrorBox({ error, onDismiss }: { error: PlainError; onDismiss: () => void }) {
  return (
    <div style={styles.error} role="alert" data-cy="medsam-error" data-code={error.code}>
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
