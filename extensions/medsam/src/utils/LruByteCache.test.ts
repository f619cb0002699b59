import { LruByteCache } from './LruByteCache';

const bytes = (n: number) => new Uint8Array(n);

describe('LruByteCache', () => {
  it('evicts least recently used entries until the byte budget fits', () => {
    const cache = new LruByteCache<Uint8Array>(10, (v) => v.byteLength);
    cache.set('a', bytes(4));
    cache.set('b', bytes(4));
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    expect(cache.set('c', bytes(4))).toEqual(['b']);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.bytes).toBe(8);
  });

  it('evicts several entries for one large value and never stores a value above the budget', () => {
    const cache = new LruByteCache<Uint8Array>(10, (v) => v.byteLength);
    cache.set('a', bytes(3));
    cache.set('b', bytes(3));
    cache.set('c', bytes(3));
    expect(cache.set('d', bytes(8))).toEqual(['a', 'b', 'c']);
    expect(cache.set('huge', bytes(11))).toEqual([]);
    expect(cache.has('huge')).toBe(false);
    expect(cache.keys()).toEqual(['d']);
  });

  it('replaces a key in place and keeps the byte count right', () => {
    const cache = new LruByteCache<Uint8Array>(10, (v) => v.byteLength);
    cache.set('a', bytes(6));
    cache.set('a', bytes(2));
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(2);
    expect(cache.delete('a')).toBe(true);
    expect(cache.bytes).toBe(0);
    cache.set('b', bytes(1));
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('a zero budget stores nothing', () => {
    const cache = new LruByteCache<Uint8Array>(0, (v) => v.byteLength);
    cache.set('a', bytes(1));
    expect(cache.get('a')).toBeUndefined();
    expect(() => new LruByteCache(-1, () => 0)).toThrow(RangeError);
  });
});
