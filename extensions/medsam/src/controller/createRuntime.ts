import type { MedSamConfig } from '../config';
import { NormalizationPolicy } from '../image/normalizationPolicy';
import { readSourceImage } from '../image/readSourceImage';
import { createMedSamWorker } from '../inference/createWorker';
import { InferenceClient } from '../inference/InferenceClient';
import { SegmentationTargets } from '../segmentation/segmentationTarget';
import { UnsavedChanges } from '../session/UnsavedChanges';
import type { Services } from '../types/ohif';
import { backgroundEmbeddings } from '../prefetch/backgroundEmbeddings';
import { getSegSaver } from '../store/saveRuntime';
import { Volume3dController } from '../volume3d/Volume3dController';
import { embeddingInput } from './embeddingInput';
import type { LiveMask } from './LiveMask';
import type { LabelmapEdit } from '../segmentation/LabelmapEditor';
import { liveMaskRuntime } from './liveMaskRuntime';
import { MedSamController } from './MedSamController';
import { ModelLoader } from './ModelLoader';
import { initialState, type MedSamState } from './state';
import { Store } from './Store';

/** Everything the extension's modules share, built once in preRegistration. */
export interface MedSamRuntime {
  readonly config: MedSamConfig;
  readonly store: Store<MedSamState>;
  readonly controller: MedSamController;
  readonly unsaved: UnsavedChanges;
  /** "Segment in 3D" from the last box (issue 10). */
  readonly volume3d: Volume3dController;
  /** The mask that follows the box while it is dragged (issue 13). */
  readonly liveMask: LiveMask<LabelmapEdit>;
  readonly services: Services;
}

export function createRuntime(services: Services, config: MedSamConfig, baseUrl: string = globalThis.location.href): MedSamRuntime {
  const store = new Store(initialState(config.modelManifestUrl, config.backends, config.encoderBackend));
  const client = new InferenceClient(() => createMedSamWorker(config.workerUrl));
  client.listen({ encoderStatus: (encoder) => store.update({ encoder }) });
  const model = new ModelLoader(client, store, config, baseUrl);
  const policy = new NormalizationPolicy(config.ctWindow, async (imageId) => (await readSourceImage(imageId)).image, config.normalization);
  const targets = new SegmentationTargets(services.segmentationService);
  const input = (viewportId: string, imageId: string) => embeddingInput({ services, policy, readImage: readSourceImage }, viewportId, imageId);
  const background = backgroundEmbeddings(services, store, client, config, input);
  const unsaved = new UnsavedChanges();
  let volume3d: Volume3dController | null = null;
  const liveMask = liveMaskRuntime({ enabled: config.liveMask, busyElsewhere: () => volume3d?.hasPreview() === true || volume3d?.isCollectingKeys() === true, store, client, targets, input });
  const controller = new MedSamController({ services, store, model, client, policy, targets, readImage: readSourceImage, background, unsaved, live: liveMask });
  volume3d = new Volume3dController({
    services,
    medsam: store,
    model,
    client,
    policy,
    targets,
    readImage: readSourceImage,
    unsaved,
    handOver2dPreview: () => controller.handOverPreview(),
    lookahead: config.volume3dLookahead,
    recordProvenance: (segmentationId, segmentIndex, provenance) => getSegSaver().provenance.restore(segmentationId, segmentIndex, provenance),
  });
  return { config, store, controller, unsaved, volume3d, liveMask, services };
}
