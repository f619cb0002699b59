/// <reference lib="webworker" />
/**
 * The inference worker: all model loading, encoding and decoding happen here, so the viewer's main thread
 * never waits on onnxruntime. Requests run one after another in arrival order.
 */
import { InferenceEngine } from './InferenceEngine';
import { isWorkerRequest, toWireError, transferablesOf, type WorkerRequest, type WorkerResponse } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const engine = new InferenceEngine();
let queue: Promise<void> = Promise.resolve();

function send(message: WorkerResponse): void {
  scope.postMessage(message, transferablesOf(message));
}

async function handle(request: WorkerRequest): Promise<void> {
  const { id } = request;
  const report = (progress: Extract<WorkerResponse, { type: 'progress' }>['progress']) => send({ type: 'progress', id, progress });
  try {
    switch (request.type) {
      case 'load':
        send({ type: 'loaded', id, model: await engine.load(request.settings, report) });
        break;
      case 'segment':
        send({ type: 'segmented', id, result: await engine.segment(request.request, report) });
        break;
      case 'clearCache':
        engine.clearCache();
        send({ type: 'cleared', id });
        break;
    }
  } catch (e) {
    send({ type: 'error', id, error: toWireError(e) });
  }
}

scope.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (!isWorkerRequest(data)) return;
  queue = queue.then(() => handle(data));
});
