import type { NormalizationRecord } from '@medsam-ohif/core';
import type { MedSamState } from '../controller/state';
import type { Store } from '../controller/Store';
import type { SegAlgorithm } from '../seg';

export interface SegmentProvenance {
  readonly algorithm: SegAlgorithm;
  readonly normalization: NormalizationRecord;
}

/** AlgorithmVersion is a DICOM LO (64 characters): an over-long identity keeps its start. */
const lo = (s: string) => (s.length > 64 ? s.slice(0, 64) : s);

/**
 * Which segments hold MedSAM results, with the model and normalisation that made them: recorded when a
 * result is accepted (Enter) into a segment. A segment with several results keeps the latest (within one
 * series they share the normalisation: the CT window or the series' percentiles).
 */
export class ProvenanceLog {
  private readonly records = new Map<string, SegmentProvenance>();
  private lastSeen: MedSamState['result'] = null;

  constructor(store: Store<MedSamState>) {
    store.subscribe(() => this.observe(store.getState()));
  }

  get(segmentationId: string, segmentIndex: number): SegmentProvenance | undefined {
    return this.records.get(`${segmentationId}#${segmentIndex}`);
  }

  /** A segment restored from a local draft keeps the provenance the draft recorded. */
  restore(segmentationId: string, segmentIndex: number, provenance: SegmentProvenance): void {
    this.records.set(`${segmentationId}#${segmentIndex}`, provenance);
  }

  private observe(state: MedSamState): void {
    const result = state.result;
    if (!result || result === this.lastSeen) return;
    this.lastSeen = result;
    if (result.phase !== 'accepted' || result.segmentIndex === null || !result.provenance) return;
    const { modelIdentity, normalization, decoderRun } = result.provenance;
    const info = state.model.status === 'ready' ? state.model.info : undefined;
    const modelName = info?.identity === modelIdentity ? info.name : modelIdentity.split('@')[0] || modelIdentity;
    this.records.set(`${result.segmentationId}#${result.segmentIndex}`, {
      algorithm: { name: 'MedSAM', modelName: lo(modelName), modelVersion: lo(modelIdentity), ...(decoderRun ? { decoderRun } : {}) },
      normalization,
    });
  }
}
