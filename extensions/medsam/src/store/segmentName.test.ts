import { nameForTarget } from './segmentName';

describe('nameForTarget', () => {
  it('names a segment that still has a given name after what the reader chose', () => {
    expect(nameForTarget('MedSAM 3', 3, undefined, 'liver')).toBe('Liver');
    expect(nameForTarget('Segment 2', 2, undefined, 'kidney')).toBe('Kidney');
    expect(nameForTarget('', 1, undefined, 'neoplasm')).toBe('Neoplasm');
  });

  it('follows a changed mind: a name taken from the previous choice is replaced', () => {
    expect(nameForTarget('Liver', 3, 'liver', 'spleen')).toBe('Spleen');
  });

  it("never replaces a name the reader typed, and Tissue names nothing", () => {
    expect(nameForTarget('Lesion segment IV', 3, undefined, 'neoplasm')).toBeNull();
    expect(nameForTarget('Liver', 3, undefined, 'spleen')).toBeNull(); // typed, not from a choice
    expect(nameForTarget('MedSAM 3', 3, undefined, 'tissue')).toBeNull();
    expect(nameForTarget('Liver', 3, 'liver', 'liver')).toBeNull();
  });
});
