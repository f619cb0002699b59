import React from 'react';
import type { EncoderBackend } from '../config';
import type { MedSamState } from '../controller/state';
import { ReadyStrip } from './ReadyStrip';
import { styles } from './styles';

const CHOICES: { label: string; value: EncoderBackend }[] = [
  { label: 'This browser', value: 'browser' },
  { label: 'Embedding service', value: 'service' },
  { label: 'Service, else this browser', value: 'auto' },
];

function SourceLine({ state }: { state: MedSamState }) {
  const e = state.encoder;
  if (!e) return null;
  const where = e.active === 'service' ? `the embedding service (${e.serviceUrl ?? ''})` : 'this browser';
  return (
    <div style={styles.muted} data-cy="medsam-encoder" data-active={e.active}>
      Embeddings are computed in {where}.
      <DecoderLine state={state} />
      {e.note && (
        <div style={{ color: '#facc15' }} data-cy="medsam-encoder-note">
          {e.note}
        </div>
      )}
    </div>
  );
}

/** Where boxes are decoded: for the current result, else as planned after the model loaded (issue 10). */
function DecoderLine({ state }: { state: MedSamState }) {
  const planned = state.model.status === 'ready' ? state.model.info.decoderRuns : undefined;
  const ran = state.result?.decoder ?? planned;
  if (!ran) return null;
  return (
    <div data-cy="medsam-decoder" data-decoder={ran}>
      Decoder: {ran === 'service' ? 'service' : 'browser'}
      {state.result?.decoder ? '' : ' (for the next box)'}
    </div>
  );
}

/** Where image embeddings come from, and which slices around the shown one are ready. */
export function EmbeddingSection({ state, serviceConfigured, onEncoderBackend }: { state: MedSamState; serviceConfigured: boolean; onEncoderBackend: (b: EncoderBackend) => void }) {
  return (
    <div style={styles.section} data-cy="medsam-embeddings">
      <div style={styles.heading}>Image embeddings</div>
      <SourceLine state={state} />
      {state.prefetch && <ReadyStrip view={state.prefetch} />}
      <div style={styles.row}>
        <span style={styles.muted}>Computed by</span>
        <select
          style={styles.select}
          value={state.encoderBackend}
          onChange={(e) => onEncoderBackend(e.target.value as EncoderBackend)}
          aria-label="Where image embeddings are computed"
          data-cy="medsam-encoder-backend"
        >
          {CHOICES.map((c) => (
            // Without medsam.embeddingServiceUrl there is no service to choose.
            <option key={c.value} value={c.value} disabled={c.value !== 'browser' && !serviceConfigured}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
