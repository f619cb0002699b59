import { avoidSegmentStatsRace } from './segmentStatsRace';

describe('avoidSegmentStatsRace', () => {
  it("turns OHIF's segment statistics off for the mode where the host has the switch", () => {
    const set: Record<string, unknown> = {};
    const scopes: (string | undefined)[] = [];
    const service = {
      getCustomization: (key: string) => set[key],
      setCustomizations: (c: Record<string, unknown>, scope?: string) => {
        scopes.push(scope);
        for (const [k, v] of Object.entries(c)) set[k] = (v as { $set: unknown }).$set;
      },
    };
    expect(avoidSegmentStatsRace(service)).toBe(true);
    expect(set['panelSegmentation.disableUpdateSegmentationStats']).toBe(true);
    expect(scopes).toEqual(['mode']);
  });

  it('leaves older hosts alone and never throws', () => {
    expect(avoidSegmentStatsRace(undefined)).toBe(false);
    expect(avoidSegmentStatsRace({ getCustomization: () => undefined })).toBe(false);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    expect(avoidSegmentStatsRace({ getCustomization: () => undefined, setCustomizations: () => { throw new Error('no'); } })).toBe(false);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
