import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { readConfig } from './config';
import { initialState } from './controller/state';
import { choiceOf, rememberModel, withRememberedModel, type KeyValueStorage } from './modelChoice';
import { ModelSection } from './panel/ModelSection';

const models = [
  { name: 'Test model 1024', manifestUrl: '/models/test-tiny/manifest.json', hint: 'test model' },
  { name: 'Test model 256', manifestUrl: '/models/test-tiny-256/manifest.json' },
  { name: 'MedSAM ViT-B', manifestUrl: '/models/medsam-vit-b/manifest.json', hint: 'needs GPU/service' },
];

function memoryStorage(): KeyValueStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v) };
}

describe('the remembered model', () => {
  it('comes back first on the next visit while the deployment still lists it', () => {
    const storage = memoryStorage();
    const config = readConfig({ models });
    expect(withRememberedModel(config, storage).modelManifestUrl).toBe('/models/test-tiny/manifest.json');
    rememberModel(models, '/models/test-tiny-256/manifest.json', storage);
    expect(withRememberedModel(config, storage).modelManifestUrl).toBe('/models/test-tiny-256/manifest.json');
    // Dropped from the list: the deployment's default again.
    expect(withRememberedModel(readConfig({ models: [models[0], models[2]] }), storage).modelManifestUrl).toBe('/models/test-tiny/manifest.json');
  });

  it('keeps no typed developer URL, and survives a storage that refuses', () => {
    const storage = memoryStorage();
    rememberModel(models, '/somewhere/else.json', storage);
    expect(storage.values.size).toBe(0);
    const refusing: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => rememberModel(models, models[1].manifestUrl, refusing)).not.toThrow();
    expect(withRememberedModel(readConfig({ models }), refusing).modelManifestUrl).toBe(models[0].manifestUrl);
    expect(withRememberedModel(readConfig({ models }), null).modelManifestUrl).toBe(models[0].manifestUrl);
  });

  it('choiceOf finds a listed manifest URL only', () => {
    expect(choiceOf(models, '/models/test-tiny-256/manifest.json')?.name).toBe('Test model 256');
    expect(choiceOf(models, '/models/test-tiny-256/manifest.json?x')).toBeUndefined();
  });
});

describe('ModelSection', () => {
  const render = (manifestUrl: string, list = models) =>
    renderToStaticMarkup(
      React.createElement(ModelSection, { state: initialState(manifestUrl, ['wasm']), models: list, onLoad: () => undefined, onBackends: () => undefined }),
    );

  it('offers the listed models by name with their hints, the current one selected, no URL field', () => {
    const html = render('/models/test-tiny-256/manifest.json');
    expect(html).toContain('data-cy="medsam-model-choice"');
    expect(html).toMatch(/<option value="0">Test model 1024 \(test model\)<\/option>/);
    expect(html).toMatch(/<option value="1" selected="">Test model 256<\/option>/);
    expect(html).toMatch(/MedSAM ViT-B \(needs GPU\/service\)/);
    expect(html).not.toContain('data-cy="medsam-manifest-url"');
  });

  it('shows the URL field for a manifest outside the list, and without a list', () => {
    const other = render('/dev/manifest.json');
    expect(other).toMatch(/<option value="other" selected="">Other: manifest URL…<\/option>/);
    expect(other).toContain('value="/dev/manifest.json"');
    const none = render('/dev/manifest.json', []);
    expect(none).not.toContain('medsam-model-choice');
    expect(none).toContain('data-cy="medsam-manifest-url"');
  });
});
