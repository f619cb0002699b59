import { getEnabledElementByViewportId } from '@cornerstonejs/core';
import { ToolGroupManager } from '@cornerstonejs/tools';
import type { MedSamConfig } from '../config';
import type { Store } from '../controller/Store';
import type { MedSamState } from '../controller/state';
import type { EmbeddingInput } from '../controller/embeddingInput';
import { BOX_TOOL_NAME } from '../id';
import type { InferenceClient } from '../inference/InferenceClient';
import type { Services, Subscription } from '../types/ohif';
import { Prefetcher } from './Prefetcher';
import { viewportSlices } from './viewportSlices';
import { ViewportWatcher } from './ViewportWatcher';

export interface BackgroundEmbeddings {
  start(): void;
  stop(): void;
}

const toolIsActive = (viewportId: string) => ToolGroupManager.getToolGroupForViewport(viewportId)?.getActivePrimaryMouseButtonTool() === BOX_TOOL_NAME;

/**
 * The prefetcher connected to the viewer: replans when a viewport shows another slice, a tool changes mode,
 * the active viewport changes, or the model becomes ready. Off (a no-op) when `medsam.prefetch` is false.
 */
export function backgroundEmbeddings(
  services: Services,
  store: Store<MedSamState>,
  client: InferenceClient,
  config: Pick<MedSamConfig, 'prefetch' | 'prefetchSlices'>,
  input: (viewportId: string, imageId: string) => Promise<EmbeddingInput>,
): BackgroundEmbeddings {
  if (!config.prefetch) return { start: () => undefined, stop: () => undefined };
  const grid = services.viewportGridService;
  const prefetcher = new Prefetcher({
    store,
    client,
    slices: config.prefetchSlices,
    activeViewport: () => {
      const id = grid.getActiveViewportId();
      return id && toolIsActive(id) ? id : null;
    },
    slicesOf: (viewportId) => viewportSlices(getEnabledElementByViewportId(viewportId)?.viewport),
    input,
  });
  const watcher = new ViewportWatcher(() => prefetcher.refresh());
  let subscription: Subscription | null = null;
  let unsubscribeStore: (() => void) | null = null;
  return {
    start() {
      prefetcher.start();
      watcher.start();
      subscription = grid.subscribe(grid.EVENTS.ACTIVE_VIEWPORT_ID_CHANGED, () => prefetcher.refresh());
      let modelStatus = store.getState().model.status;
      unsubscribeStore = store.subscribe(() => {
        const now = store.getState().model.status;
        if (now !== modelStatus && (now === 'ready' || modelStatus === 'ready')) prefetcher.refresh();
        modelStatus = now;
      });
      prefetcher.refresh();
    },
    stop() {
      subscription?.unsubscribe();
      unsubscribeStore?.();
      watcher.stop();
      prefetcher.stop();
    },
  };
}
