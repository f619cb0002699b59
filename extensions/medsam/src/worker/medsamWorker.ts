/// <reference lib="webworker" />
/**
 * The inference worker: all model loading, encoding and decoding happen here, so the viewer's main thread
 * never waits on onnxruntime. Requests run one after another in arrival order, embeddings in a lane of their
 * own (requestLanes.ts); a `cancel` message acts at once (it aborts a waiting request, or a service call in flight).
 * The same script, started by this worker under the name ENCODER_WORKER_NAME, is its encoder worker
 * (medsam.encoderWorker): a second worker that only encodes, so the next slice encodes while this one decodes.
 */
import { ENCODER_WORKER_NAME } from './encoderWorker/messages';
import { openBrowserEncoder } from './encoderWorker/openBrowserEncoder';
import { serveEncoder } from './encoderWorker/serveEncoder';
import { InferenceEngine } from './InferenceEngine';
import { RequestLanes } from './requestLanes';
import { isWorkerRequest, toWireError, transferablesOf, type WorkerRequest, type WorkerResponse } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const lanes = new RequestLanes();
const aborts = new Map<number, AbortController>();

function send(message: WorkerResponse): void {
  scope.postMessage(message, transferablesOf(message));
}

const engine = new InferenceEngine(
  {
    cacheKeys: (keys) => send({ type: 'cacheKeys', id: 0, keys }),
    encoderStatus: (status) => send({ type: 'encoderStatus', id: 0, status }),
  },
  // This script again, as the encoder worker (a nested worker: its URL is this worker's own).
  () => new Worker(scope.location.href, { type: 'module', name: ENCODER_WORKER_NAME }),
);

async function handle(request: Exclude<WorkerRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<void> {
  const { id } = request;
  const report = (progress: Extract<WorkerResponse, { type: 'progress' }>['progress']) => send({ type: 'progress', id, progress });
  try {
    switch (request.type) {
      case 'load':
        send({ type: 'loaded', id, model: await engine.load(request.settings, report) });
        break;
      case 'segment':
        send({ type: 'segmented', id, result: await engine.segment(request.request, report, signal) });
        break;
      case 'embed':
        send({ type: 'embedded', id, result: await engine.embed(request.request, report, signal) });
        break;
      case 'decode':
        send({ type: 'decoded', id, result: await engine.decode(request.request) });
        break;
      case 'clearCache':
        engine.clearCache();
        send({ type: 'cleared', id });
        break;
    }
  } catch (e) {
    send({ type: 'error', id, error: toWireError(e) });
  } finally {
    aborts.delete(id);
  }
}

function onRequest(event: MessageEvent<unknown>): void {
  const data = event.data;
  if (!isWorkerRequest(data)) return;
  if (data.type === 'cancel') {
    aborts.get(data.target)?.abort();
    return;
  }
  const abort = new AbortController();
  aborts.set(data.id, abort);
  lanes.run(data.type === 'embed' ? 'embed' : 'main', () => handle(data, abort.signal));
}

if (scope.name === ENCODER_WORKER_NAME) serveEncoder(scope, openBrowserEncoder);
else scope.addEventListener('message', onRequest);
