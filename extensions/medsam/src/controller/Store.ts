/** A minimal observable state container: what the panel (useSyncExternalStore) and commands read. */
export class Store<S extends object> {
  private state: S;
  private readonly listeners = new Set<() => void>();

  constructor(initial: S) {
    this.state = initial;
  }

  getState = (): S => this.state;

  /** Shallow-merges a patch (or the result of an updater); listeners run only when something changed. */
  update(patch: Partial<S> | ((state: S) => Partial<S>)): void {
    const changes = typeof patch === 'function' ? patch(this.state) : patch;
    const keys = Object.keys(changes) as (keyof S)[];
    if (keys.every((k) => Object.is(changes[k], this.state[k]))) return;
    this.state = { ...this.state, ...changes };
    for (const listener of [...this.listeners]) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
