import { PrefetchQueue, type PrefetchTask } from './PrefetchQueue';

/** Tasks the test finishes by hand. */
function tasks() {
  const started: string[] = [];
  const aborted: string[] = [];
  const finish = new Map<string, () => void>();
  const make = (id: string): PrefetchTask => ({
    id,
    run: (signal) =>
      new Promise<void>((resolve) => {
        started.push(id);
        signal.addEventListener('abort', () => aborted.push(id));
        finish.set(id, resolve);
      }),
  });
  return { started, aborted, finish, make };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PrefetchQueue', () => {
  it('runs one job at a time in order; a new plan drops unwanted jobs and aborts the running one if unwanted', async () => {
    const t = tasks();
    const q = new PrefetchQueue();
    q.want(['a', 'b', 'c'].map(t.make));
    expect(t.started).toEqual(['a']);
    expect(q.pending()).toEqual(['a', 'b', 'c']);
    // The user moved: "a" is still wanted (keeps running), "b" and "c" are not, "d" is new.
    q.want(['a', 'd'].map(t.make));
    expect(t.aborted).toEqual([]);
    expect(q.pending()).toEqual(['a', 'd']);
    t.finish.get('a')!();
    await tick();
    expect(t.started).toEqual(['a', 'd']);
    // Moved away from "d" while it runs: aborted, and nothing else starts.
    q.want(['e'].map(t.make));
    expect(t.aborted).toEqual(['d']);
    expect(q.pending()).toEqual(['e']);
    t.finish.get('d')!();
    await tick();
    expect(t.started).toEqual(['a', 'd', 'e']);
    q.stop();
    expect(t.aborted).toEqual(['d', 'e']);
    expect(q.pending()).toEqual([]);
  });
});
