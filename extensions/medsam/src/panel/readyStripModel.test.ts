import type { PrefetchView } from '../controller/state';
import { listOrder } from '../volume3d/sliceNumbers';
import { readyStripModel } from './readyStripModel';

const view = (over: Partial<PrefetchView>): PrefetchView => ({ viewportId: 'vp', total: 10, current: 2, numbering: listOrder(10), ready: [1, 2, 3], pending: [4], error: null, ...over });

describe('ready strip', () => {
  it('a stack: list positions are the overlay numbers less one, cells left to right along the list', () => {
    const m = readyStripModel(view({}), 120);
    expect(m.text).toBe('Slice 3: embeddings ready: 2–4 of 10');
    expect(m.cells.map((c) => c.state)).toEqual(['none', 'ready', 'ready', 'ready', 'pending', 'none', 'none', 'none', 'none', 'none']);
    expect(m.cells.findIndex((c) => c.current)).toBe(2);
  });

  it('a volume viewport whose slider runs against the list: numbers and cells follow the slider', () => {
    const m = readyStripModel(view({ numbering: { count: 10, reversed: true } }), 120);
    // List positions 1–3 are slider positions 8–6: the overlay shows 7–9; the shown one (list 2) is 8.
    expect(m.text).toBe('Slice 8: embeddings ready: 7–9 of 10');
    expect(m.cells.map((c) => c.state)).toEqual(['none', 'none', 'none', 'none', 'none', 'pending', 'ready', 'ready', 'ready', 'none']);
    expect(m.cells.findIndex((c) => c.current)).toBe(7);
  });

  it('groups long series into at most maxCells cells and says when nothing is ready', () => {
    const m = readyStripModel(view({ total: 300, numbering: listOrder(300), ready: [], pending: [] }), 120);
    expect(m.cells).toHaveLength(100);
    expect(m.text).toBe('Slice 3: embeddings none ready yet of 300');
  });
});
