import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { servedModel } from '../models/servedModel';
import { EmbeddingStore, embeddingId } from './embeddingStore';

const manifest = parseManifest(JSON.parse(readFileSync(join(__dirname, '../../test-models/manifest-u8.json'), 'utf8')));
const model = servedModel(manifest, 'x');
const entry = (n: number) => ({ model: 'm', dims: [n], values: new Float32Array(n) });

describe('EmbeddingStore', () => {
  it('keeps embeddings up to its byte bound, dropping the least recently used first', () => {
    const store = new EmbeddingStore(3 * 400);
    store.put('a', entry(100));
    store.put('b', entry(100));
    store.put('c', entry(100));
    expect(store.get('a')).toBeDefined(); // a is now the newest
    store.put('d', entry(100));
    expect([store.get('b'), store.size, store.usedBytes]).toEqual([undefined, 3, 1200]);
    expect(['a', 'c', 'd'].every((k) => store.get(k))).toBe(true);
    store.put('e', entry(250)); // 1000 bytes: the three others have to go
    expect([store.size, store.usedBytes, store.get('e')?.dims]).toEqual([1, 1000, [250]]);
  });

  it('never keeps what could not fit at all, and replaces an entry under the same key', () => {
    const store = new EmbeddingStore(400);
    store.put('big', entry(101));
    expect(store.size).toBe(0);
    store.put('a', entry(10));
    store.put('a', entry(20));
    expect([store.size, store.usedBytes]).toEqual([1, 80]);
  });
});

describe('embeddingId', () => {
  it('is the same for the same model and bytes, and differs for any other byte, shape or model', () => {
    const image = Uint8Array.from({ length: 64 }, (_, i) => i);
    const id = embeddingId(model, [8, 8], image);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(embeddingId(model, [8, 8], image.slice())).toBe(id);
    const other = image.slice();
    other[63] ^= 1;
    expect(embeddingId(model, [8, 8], other)).not.toBe(id);
    expect(embeddingId(model, [4, 16], image)).not.toBe(id);
    expect(embeddingId({ ...model, version: '2' }, [8, 8], image)).not.toBe(id);
  });
});
