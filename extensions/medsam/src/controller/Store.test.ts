import { Store } from './Store';

describe('Store', () => {
  it('notifies on change only, with merged state', () => {
    const store = new Store({ a: 1, b: 'x' });
    const seen: unknown[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.getState()));
    store.update({ a: 1 });
    store.update({ a: 2 });
    store.update((s) => ({ b: `${s.b}y` }));
    unsubscribe();
    store.update({ a: 3 });
    expect(seen).toEqual([{ a: 2, b: 'x' }, { a: 2, b: 'xy' }]);
    expect(store.getState()).toEqual({ a: 3, b: 'xy' });
  });
});
