import React, { useSyncExternalStore } from 'react';
import { draftTime } from '../session/draftCodec';
import type { LocalDrafts } from '../session/LocalDrafts';
import { ErrorBox } from './ErrorBox';
import { styles } from './styles';

/** "Restore the unsaved MedSAM segments from 14:02?": drafts of an earlier visit to this study. */
export function DraftOffers({ drafts }: { drafts: LocalDrafts }) {
  const state = useSyncExternalStore(drafts.state.subscribe, drafts.state.getState);
  if (!state.offers.length && !state.error) return null;
  return (
    <div style={styles.section} data-cy="medsam-drafts">
      {state.offers.map((offer) => (
        <div key={offer.key} style={styles.offer} role="alertdialog" data-cy="medsam-draft-offer" data-key={offer.key}>
          <div style={styles.value}>Restore the unsaved MedSAM segments from {draftTime(offer.updatedAt)}?</div>
          <div style={styles.muted}>
            {offer.segments.length === 1 ? '1 segment' : `${offer.segments.length} segments`}: {offer.segments.map((s) => s.label).join(', ')}. They were never saved to the PACS.
          </div>
          <div style={styles.row}>
            <button style={styles.primary} disabled={state.restoring !== null} onClick={() => void drafts.restore(offer.key)} data-cy="medsam-draft-restore">
              {state.restoring === offer.key ? 'Restoring…' : 'Restore'}
            </button>
            <button style={styles.button} disabled={state.restoring !== null} onClick={() => void drafts.discard(offer.key)} data-cy="medsam-draft-discard">
              Discard
            </button>
          </div>
        </div>
      ))}
      {state.error && <ErrorBox error={state.error} onDismiss={() => drafts.state.update({ error: null })} dataCy="medsam-draft-error" />}
    </div>
  );
}
