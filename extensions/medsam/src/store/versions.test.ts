import { SaveVersions } from './versions';

describe('SaveVersions', () => {
  const encode = (content: string) => (id: { sopInstanceUID: string; instanceNumber: number; contentDateTime: Date }) =>
    new TextEncoder().encode(`${content}|${id.sopInstanceUID}|${id.instanceNumber}|${id.contentDateTime.toISOString()}`);

  function make() {
    let uid = 0;
    let t = Date.UTC(2024, 0, 1);
    return new SaveVersions(
      () => `2.25.${++uid}`,
      () => new Date((t += 1000)),
    );
  }

  it('unchanged content: the previous object again, byte for byte', () => {
    const v = make();
    const series = v.series('seg', () => ({ seriesInstanceUID: '2.25.100', seriesNumber: 3101 }));
    const first = v.next('seg', encode('A'));
    const again = v.next('seg', encode('A'));
    expect(first.repeated).toBe(false);
    expect(again.repeated).toBe(true);
    expect(again.attempt).toBe(first.attempt);
    expect(v.series('seg', () => ({ seriesInstanceUID: 'other', seriesNumber: 1 }))).toBe(series);
  });

  it('changed content: a new SOP instance in the same series, never a reused UID', () => {
    const v = make();
    v.series('seg', () => ({ seriesInstanceUID: '2.25.100', seriesNumber: 3101 }));
    const a = v.next('seg', encode('A')).attempt;
    const b = v.next('seg', encode('B')).attempt;
    expect(b.sopInstanceUID).not.toBe(a.sopInstanceUID);
    expect(b.instanceNumber).toBe(a.instanceNumber + 1);
    expect(b.contentDateTime.getTime()).toBeGreaterThan(a.contentDateTime.getTime());
    // Back to A: still a new instance (A's UID stays A's, B's stays B's).
    const c = v.next('seg', encode('A')).attempt;
    expect([a.sopInstanceUID, b.sopInstanceUID]).not.toContain(c.sopInstanceUID);
    expect(v.seriesNumbers()).toEqual([3101]);
  });

  it('segmentations have separate series', () => {
    const v = make();
    v.series('one', () => ({ seriesInstanceUID: '2.25.1', seriesNumber: 3101 }));
    v.series('two', () => ({ seriesInstanceUID: '2.25.2', seriesNumber: 3102 }));
    expect(v.next('one', encode('A')).attempt.instanceNumber).toBe(1);
    expect(v.next('two', encode('A')).attempt.instanceNumber).toBe(1);
    expect(() => v.next('three', encode('A'))).toThrow(/no series/);
  });
});
