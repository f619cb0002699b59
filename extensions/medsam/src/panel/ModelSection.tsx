import React, { useEffect, useState } from 'react';
import type { BackendName, ModelChoice } from '../config';
import type { MedSamState } from '../controller/state';
import { choiceOf, rememberModel } from '../modelChoice';
import { formatMs, formatProgress, stageText } from './format';
import { styles } from './styles';

const BACKEND_CHOICES: { label: string; value: readonly BackendName[] }[] = [
  { label: 'WebGPU, else WASM', value: ['webgpu', 'wasm'] },
  { label: 'WASM only', value: ['wasm'] },
  { label: 'WebGPU only', value: ['webgpu'] },
];

/** The select's value for "type a manifest URL" (developers). */
const OTHER = 'other';

interface Props {
  readonly state: MedSamState;
  /** The deployment's list (medsam.models); empty: only the URL field. */
  readonly models: readonly ModelChoice[];
  readonly onLoad: (manifestUrl: string) => void;
  readonly onBackends: (backends: readonly BackendName[]) => void;
}

function ModelStatusLine({ state }: { state: MedSamState }) {
  const model = state.model;
  switch (model.status) {
    case 'idle':
      return <div style={styles.muted}>Not loaded yet: it loads when the MedSAM mode opens or the first box is drawn.</div>;
    case 'loading': {
      const d = model.download;
      const fraction = d?.totalBytes ? Math.min(1, d.loadedBytes / d.totalBytes) : undefined;
      return (
        <div data-cy="medsam-model-loading">
          <div>{stageText(model.stage)}…</div>
          {d && (
            <>
              <div style={styles.muted}>
                {d.part === 'encoder' ? 'Image encoder' : 'Mask decoder'} {d.fromCache ? 'from browser storage' : 'download'}: {formatProgress(d.loadedBytes, d.totalBytes)}
              </div>
              {fraction !== undefined && (
                <div style={styles.bar}>
                  <div style={{ ...styles.barFill, width: `${(100 * fraction).toFixed(1)}%` }} />
                </div>
              )}
            </>
          )}
        </div>
      );
    }
    case 'ready': {
      const info = model.info;
      return (
        <div data-cy="medsam-model-ready">
          <div>
            <span style={styles.value}>
              {info.name} {info.version}
            </span>
            {info.testModel && <span style={styles.badge}>test model, not MedSAM</span>}
          </div>
          <div style={styles.muted} data-cy="medsam-backend">
            {info.backend} · {info.threads} thread{info.threads === 1 ? '' : 's'}
            {info.encoderWorker ? ` + encoder worker (${info.encoderWorker.threads} thread${info.encoderWorker.threads === 1 ? '' : 's'})` : ''}
            {info.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'} · loaded in {formatMs(info.loadMs)}
          </div>
        </div>
      );
    }
    case 'error':
      return <div style={{ color: '#fca5a5' }}>Model not available: {model.error.title}.</div>;
  }
}

/** Model and backend status, download progress in bytes, and the controls to change them. */
export function ModelSection({ state, models, onLoad, onBackends }: Props) {
  const [url, setUrl] = useState(state.manifestUrl);
  useEffect(() => setUrl(state.manifestUrl), [state.manifestUrl]); // follows medsamSetModel from elsewhere
  const listed = choiceOf(models, state.manifestUrl);
  const [typing, setTyping] = useState(false);
  const ready = state.model.status === 'ready';
  // Remember the model that really loaded (a failed choice falls back and is not kept).
  useEffect(() => {
    if (ready) rememberModel(models, state.manifestUrl);
  }, [ready, models, state.manifestUrl]);
  const choice = BACKEND_CHOICES.findIndex((c) => c.value.join() === state.backends.join());
  const showUrl = models.length === 0 || typing || !listed;
  return (
    <div style={styles.section} data-cy="medsam-model">
      <div style={styles.heading}>Model</div>
      <ModelStatusLine state={state} />
      {models.length > 0 && (
        <div style={styles.row}>
          <select
            style={styles.select}
            value={listed && !typing ? String(models.indexOf(listed)) : OTHER}
            onChange={(e) => {
              const picked = e.target.value === OTHER ? undefined : models[Number(e.target.value)];
              setTyping(!picked);
              if (picked) onLoad(picked.manifestUrl);
            }}
            aria-label="Model"
            data-cy="medsam-model-choice"
          >
            {models.map((m, i) => (
              <option key={m.name} value={String(i)}>
                {m.hint ? `${m.name} (${m.hint})` : m.name}
              </option>
            ))}
            <option value={OTHER}>Other: manifest URL…</option>
          </select>
        </div>
      )}
      {showUrl && (
        <div style={styles.row}>
          <input style={styles.input} value={url} onChange={(e) => setUrl(e.target.value)} aria-label="Model manifest URL" data-cy="medsam-manifest-url" />
          <button style={styles.button} onClick={() => onLoad(url.trim())} data-cy="medsam-load-model">
            Load model
          </button>
        </div>
      )}
      <div style={styles.row}>
        <span style={styles.muted}>Backend</span>
        <select
          style={styles.select}
          value={choice < 0 ? 0 : choice}
          onChange={(e) => onBackends(BACKEND_CHOICES[Number(e.target.value)].value)}
          aria-label="Inference backend"
          data-cy="medsam-backends"
        >
          {BACKEND_CHOICES.map((c, i) => (
            <option key={c.label} value={i}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
