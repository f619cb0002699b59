// The decoder-variant benchmark's worker: the engine behind postMessage, as the extension's inference worker.
import { createEngine } from './variantsEngine.mjs';

const engine = createEngine();
self.onmessage = async ({ data }) => {
  try {
    const value = await engine[data.type](data);
    self.postMessage({ id: data.id, value }, value?.mask ? [value.mask.buffer] : []);
  } catch (e) {
    self.postMessage({ id: data.id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  }
};
