import React, { useSyncExternalStore } from 'react';
import type { MedSamRuntime } from '../controller/createRuntime';
import { segmentMeasurement } from '../measurement/segmentMeasurement';
import { getDrafts } from '../session/draftRuntime';
import { getSegSaver } from '../store/saveRuntime';
import { DraftOffers } from './DraftOffers';
import { EmbeddingSection } from './EmbeddingSection';
import { ErrorBox } from './ErrorBox';
import { FallbackNote } from './FallbackNote';
import { ModelSection } from './ModelSection';
import { MeasurementSection } from './MeasurementSection';
import { JobLine, ResultSection, TargetLine } from './ResultSection';
import { SaveSection } from './SaveSection';
import { Volume3dSection } from './Volume3dSection';
import { styles } from './styles';

/** The MedSAM side panel: model and backend, progress, target segment, the last result, errors. */
export function MedSamPanel({ runtime }: { runtime: MedSamRuntime }) {
  const { store, controller } = runtime;
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return (
    <div style={styles.panel} data-cy="medsam-panel">
      <div style={styles.muted}>Select the MedSAM tool, then drag a box around an organ or lesion on a slice.</div>
      <DraftOffers drafts={getDrafts()} />
      {state.error && <ErrorBox error={state.error} onDismiss={() => store.update({ error: null })} />}
      <FallbackNote result={state.result} />
      <JobLine job={state.job} />
      {state.result && (
        <ResultSection
          result={state.result}
          onAccept={(newSegment, replace) => controller.accept({ newSegment, replace })}
          onReject={() => controller.reject()}
          onUndo={() => controller.undo()}
          onClear={() => controller.clear()}
        />
      )}
      <Volume3dSection volume3d={runtime.volume3d} />
      <MeasurementSection onSegment={(in3d) => void segmentMeasurement(runtime, runtime.services, { in3d })} />
      <TargetLine target={state.target} />
      <SaveSection saver={getSegSaver()} segmentationId={state.target?.segmentationId ?? null} />
      <EmbeddingSection state={state} serviceConfigured={!!runtime.config.embeddingServiceUrl} onEncoderBackend={(b) => controller.setEncoderBackend(b)} />
      <ModelSection state={state} models={runtime.config.models} onLoad={(url) => controller.setModel(url)} onBackends={(b) => controller.setBackends(b)} />
    </div>
  );
}
