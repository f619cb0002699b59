import { imagesInWords, listOrder, shownNumber, shownRange, sliderPosition, sliderRunsAgainstList, towardsInWords } from './sliceNumbers';

describe('slice numbers as OHIF shows them', () => {
  it('a stack (and a volume whose slider runs with its list): list position + 1', () => {
    const stack = listOrder(40);
    expect([0, 11, 39].map((k) => shownNumber(stack, k))).toEqual([1, 12, 40]);
    expect(shownRange(stack, 20, 5)).toEqual([6, 21]);
    expect(imagesInWords(stack, 5, 20)).toBe('images 6 to 21');
    expect(towardsInWords('up', stack)).toBe('Towards the last image');
  });

  it('a volume viewport whose slider runs against its list: the slider counts from the list\'s end', () => {
    const mpr = { count: 40, reversed: true };
    expect([0, 11, 39].map((k) => sliderPosition(mpr, k))).toEqual([39, 28, 0]);
    expect([0, 11, 39].map((k) => shownNumber(mpr, k))).toEqual([40, 29, 1]);
    // a range keeps its images and is said low to high
    expect(shownRange(mpr, 5, 20)).toEqual([20, 35]);
    expect(imagesInWords(mpr, 20, 5)).toBe('images 20 to 35');
    expect(towardsInWords('up', mpr)).toBe('Towards the first image');
    expect(towardsInWords('down', mpr)).toBe('Towards the last image');
  });

  describe('which way a volume viewport\'s slider runs: from the image lowest along the view plane normal', () => {
    // cornerstone's axial camera looks along -z (viewPlaneNormal [0, 0, -1]): the slider starts at the highest z.
    const axialNormal = [0, 0, -1] as const;
    it('a list from head (z = 0) to feet (z = -195) runs with the axial slider', () => {
      expect(sliderRunsAgainstList([0, 0, 0], [0, 0, -195], axialNormal)).toBe(false);
    });
    it('a list from feet to head runs against it', () => {
      expect(sliderRunsAgainstList([0, 0, -195], [0, 0, 0], axialNormal)).toBe(true);
    });
    it('the same list seen along +z (a flipped camera) turns the other way', () => {
      expect(sliderRunsAgainstList([0, 0, -195], [0, 0, 0], [0, 0, 1])).toBe(false);
    });
    it('tilted acquisitions: by the positions along the normal, not along z', () => {
      const tilted = [0, Math.SQRT1_2, -Math.SQRT1_2] as const;
      // the last image lies higher along the tilted normal (3.5 against 0) though lower in z
      expect(sliderRunsAgainstList([0, 0, 0], [0, 10, 5], tilted)).toBe(false);
      expect(sliderRunsAgainstList([0, 10, 5], [0, 0, 0], tilted)).toBe(true);
      expect(sliderRunsAgainstList([0, 0, 0], [0, 10, 5], axialNormal)).toBe(true);
    });
  });
});
