import { readConfig } from '../config';
import type { InferenceClient } from '../inference/InferenceClient';
import type { ModelInfo, WorkerSettings } from '../worker/protocol';
import { encoderSettings, ModelLoader } from './ModelLoader';
import { initialState, type MedSamState } from './state';
import { Store } from './Store';

const info = (name: string) => ({ name, version: '1.0.0', identity: `${name}@1.0.0` }) as unknown as ModelInfo;

/**
 * A stand-in for the worker's client that answers loads by manifest URL: the worker itself (which swaps
 * models only after the new one loaded) is exercised in the e2e tests; this checks the loader's own rule.
 */
function clientAnswering(answers: Record<string, ModelInfo | Error>): { client: InferenceClient; loads: string[] } {
  const loads: string[] = [];
  const client = {
    load: async (settings: WorkerSettings) => {
      loads.push(settings.manifestUrl);
      const answer = answers[new URL(settings.manifestUrl).pathname];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as InferenceClient;
  return { client, loads };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ModelLoader: a new model replaces the current one only once it has loaded', () => {
  it('a failed replacement keeps the working model, says so, and reverts the choice', async () => {
    const store = new Store<MedSamState>(initialState('/good.json', ['wasm']));
    const { client, loads } = clientAnswering({ '/good.json': info('good-model'), '/bad.json': new Error('HTTP 404 for /bad.json') });
    const loader = new ModelLoader(client, store, readConfig(), 'http://viewer.test/');
    await loader.ensure();
    expect(store.getState().model).toMatchObject({ status: 'ready', info: { name: 'good-model' } });

    store.update({ manifestUrl: '/bad.json' });
    loader.invalidate();
    await expect(loader.ensure()).rejects.toThrow(/404/);
    await flush();
    const s = store.getState();
    expect(s.manifestUrl).toBe('/good.json');
    expect(s.model).toMatchObject({ status: 'ready', info: { name: 'good-model' } });
    expect(s.error?.title).toMatch(/still using good-model 1\.0\.0/);
    expect(s.error?.detail).toMatch(/404/);
    expect(loads.map((u) => new URL(u).pathname)).toEqual(['/good.json', '/bad.json', '/good.json']);
  });

  it('with no model loaded before, a failed load is an error state', async () => {
    const store = new Store<MedSamState>(initialState('/bad.json', ['wasm']));
    const { client } = clientAnswering({ '/bad.json': new Error('HTTP 404') });
    const loader = new ModelLoader(client, store, readConfig(), 'http://viewer.test/');
    await expect(loader.ensure()).rejects.toThrow(/404/);
    await flush();
    expect(store.getState().model.status).toBe('error');
    expect(store.getState().manifestUrl).toBe('/bad.json');
  });
});

describe('encoderSettings: the service model that matches the chosen manifest', () => {
  const models = [
    { name: 'ViT-B', manifestUrl: '/models/vit-b/manifest.json', embeddingModel: 'medsam_encoder' },
    { name: 'Lite', manifestUrl: '/models/lite/manifest.json', embeddingModel: 'litemedsam_encoder' },
  ];
  const base = { encoderBackend: 'auto', embeddingServiceUrl: '/' };

  it("each listed model is sent to its own service model", () => {
    const config = readConfig({ ...base, models });
    expect(encoderSettings(config, 'auto', 'http://viewer.test/', '/models/vit-b/manifest.json').service?.model).toBe('medsam_encoder');
    expect(encoderSettings(config, 'service', 'http://viewer.test/', '/models/lite/manifest.json').service).toMatchObject({ url: 'http://viewer.test/', model: 'litemedsam_encoder' });
    expect(encoderSettings(config, 'browser', 'http://viewer.test/', '/models/lite/manifest.json').service).toBeUndefined();
  });

  it("without names the client asks for the manifest's name (our server serves each model under it)", () => {
    const config = readConfig({ ...base, models: models.map(({ name, manifestUrl }) => ({ name, manifestUrl })) });
    const settings = encoderSettings(config, 'auto', 'http://viewer.test/', '/models/lite/manifest.json');
    expect(settings.service).toBeDefined();
    expect(settings.service).not.toHaveProperty('model');
  });

  it('the deployment-wide name serves a single model or a typed URL; a listed model keeps its own', () => {
    const one = readConfig({ ...base, embeddingModel: 'medsam_encoder' });
    expect(encoderSettings(one, 'auto', 'http://viewer.test/', '/dev/manifest.json').service?.model).toBe('medsam_encoder');
    const both = readConfig({ ...base, embeddingModel: 'fallback_encoder', models });
    expect(encoderSettings(both, 'auto', 'http://viewer.test/', '/models/lite/manifest.json').service?.model).toBe('litemedsam_encoder');
    expect(encoderSettings(both, 'auto', 'http://viewer.test/', '/dev/typed.json').service?.model).toBe('fallback_encoder');
  });

  it('the loader sends the chosen model and reloads with the other service model when the choice changes', async () => {
    const store = new Store<MedSamState>(initialState('/models/vit-b/manifest.json', ['wasm'], 'auto'));
    const seen: (string | undefined)[] = [];
    const client = {
      load: async (settings: WorkerSettings) => {
        seen.push(settings.encoder?.service?.model);
        return info(new URL(settings.manifestUrl).pathname);
      },
    } as unknown as InferenceClient;
    const loader = new ModelLoader(client, store, readConfig({ ...base, models }), 'http://viewer.test/');
    await loader.ensure();
    store.update({ manifestUrl: '/models/lite/manifest.json' });
    await loader.ensure();
    expect(seen).toEqual(['medsam_encoder', 'litemedsam_encoder']);
  });
});
