import { evictionOrder } from './persistentStore';

describe('evictionOrder', () => {
  it('deletes least recently used entries until the rest fits', () => {
    const metas = [
      { key: 'new', bytes: 4, lastUsed: 30 },
      { key: 'old', bytes: 4, lastUsed: 10 },
      { key: 'mid', bytes: 4, lastUsed: 20 },
    ];
    expect(evictionOrder(metas, 12)).toEqual([]);
    expect(evictionOrder(metas, 8)).toEqual(['old']);
    expect(evictionOrder(metas, 5)).toEqual(['old', 'mid']);
  });
});
