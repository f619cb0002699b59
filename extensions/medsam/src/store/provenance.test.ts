import { initialState, type MedSamState, type ResultView } from '../controller/state';
import { Store } from '../controller/Store';
import { ProvenanceLog } from './provenance';

const normalization = { rule: 'ct-window', lower: -500, upper: 1000, preset: 'medsam-paper' } as const;

function result(phase: ResultView['phase'], segmentIndex: number | null): ResultView {
  return {
    phase,
    imageId: 'img',
    box: { x0: 0, y0: 0, x1: 1, y1: 1 },
    boxClamped: false,
    areaPixels: 1,
    areaMm2: null,
    normalization: '',
    embeddingCacheHit: false,
    timings: {},
    totalMs: 0,
    segmentationId: 'seg',
    segmentIndex,
    segmentLabel: null,
    provenance: { modelIdentity: 'medsam-vit-b@1.0+abc.def', normalization },
  };
}

describe('ProvenanceLog', () => {
  it('records the model and normalisation of results accepted into a segment', () => {
    const store = new Store<MedSamState>(initialState('/m.json', ['wasm']));
    const log = new ProvenanceLog(store);
    store.update({ result: result('preview', null) });
    expect(log.get('seg', 1)).toBeUndefined();
    store.update({ result: result('accepted', 1) });
    expect(log.get('seg', 1)).toEqual({ algorithm: { name: 'MedSAM', modelName: 'medsam-vit-b', modelVersion: 'medsam-vit-b@1.0+abc.def' }, normalization });
    expect(log.get('seg', 2)).toBeUndefined();
    expect(log.get('other', 1)).toBeUndefined();
  });

  it('keeps which decoder files made the result, beside the identity', () => {
    const store = new Store<MedSamState>(initialState('/m.json', ['wasm']));
    const log = new ProvenanceLog(store);
    const file = { entry: 'decoder.optimized', file: 'decoder.opt.onnx', sha256: 'c'.repeat(64), preOptimizedFrom: { file: 'decoder.onnx', sha256: 'd'.repeat(64), level: 'extended', onnxruntime: '1.30.0' } };
    const accepted = result('accepted', 1);
    store.update({ result: { ...accepted, provenance: { ...accepted.provenance!, decoderRun: { browserFiles: [file] } } } });
    expect(log.get('seg', 1)?.algorithm).toEqual({ name: 'MedSAM', modelName: 'medsam-vit-b', modelVersion: 'medsam-vit-b@1.0+abc.def', decoderRun: { browserFiles: [file] } });
  });
});
