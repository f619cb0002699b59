import type { DirectionStop, Vector3 } from '@medsam-ohif/core';
import { measureVolume, msLeft, stopInWords } from './describe';
import { listOrder } from './sliceNumbers';

const axial = [1, 0, 0, 0, 1, 0];
const planesAt = (zs: number[]) => zs.map((z) => ({ position: [0, 0, z] as Vector3, orientation: axial }));

describe('3D result in words and numbers', () => {
  it('names each stop rule with images counted from 1, as OHIF shows them', () => {
    const leak: DirectionStop = { rule: 'leak', lastSlice: 11, rejectedSlice: 12, rejectedAreaPixels: 900, message: '' };
    const stack = listOrder(40);
    expect(stopInWords('up', leak, stack)).toBe('Towards the last image: stopped after image 12: the mask on image 13 (900 pixels) grew more than twice as large, likely spilling into a neighbour.');
    expect(stopInWords('down', { rule: 'range-end', lastSlice: 0, message: '' }, stack)).toBe('Towards the first image: stopped after image 1, the end of the marked range.');
    expect(stopInWords('down', { rule: 'empty', lastSlice: 4, rejectedSlice: 3, rejectedAreaPixels: 0, message: '' }, stack)).toBe('Towards the first image: stopped after image 5: nothing was found on image 4.');
  });

  it('in a volume viewport whose slider runs against the image list: the slider\'s numbers and directions', () => {
    const leak: DirectionStop = { rule: 'leak', lastSlice: 11, rejectedSlice: 12, rejectedAreaPixels: 900, message: '' };
    // 40 images, list position 11 is the slider's 29th slice (40 - 11): walking up the list walks down the slider
    expect(stopInWords('up', leak, { count: 40, reversed: true })).toBe('Towards the first image: stopped after image 29: the mask on image 28 (900 pixels) grew more than twice as large, likely spilling into a neighbour.');
    expect(stopInWords('down', { rule: 'range-end', lastSlice: 0, message: '' }, { count: 40, reversed: true })).toBe('Towards the last image: stopped after image 40, the end of the marked range.');
  });

  it('measures the volume from the image positions, not a nominal thickness', () => {
    // 2.5 mm apart; 100 pixels of 0.5 × 0.5 mm on each of two slices: 2 × 100 × 0.25 × 2.5 mm³ = 0.125 mL
    const m = measureVolume(
      [
        { slice: 1, areaPixels: 100 },
        { slice: 2, areaPixels: 100 },
      ],
      [0.5, 0.5],
      planesAt([0, 2.5, 5, 7.5]),
    );
    expect(m.ml).toBeCloseTo(0.125, 10);
    expect(m.note).toBe('slices 2.5 mm apart (from their positions)');
    // Uneven gaps: each slice's slab is the mean of its two gaps (slice 1: (2 + 4) / 2 = 3 mm).
    const uneven = measureVolume([{ slice: 1, areaPixels: 1000 }], [1, 1], planesAt([0, 2, 6]));
    expect(uneven.ml).toBeCloseTo(3, 10);
    expect(uneven.note).toMatch(/^uneven slice spacing/);
  });

  it('says why a volume is unknown', () => {
    expect(measureVolume([{ slice: 0, areaPixels: 5 }], undefined, planesAt([0, 1])).ml).toBeNull();
    const noPositions = measureVolume([{ slice: 0, areaPixels: 5 }], [1, 1], [{ position: null, orientation: null }, { position: null, orientation: null }]);
    expect(noPositions).toEqual({ ml: null, note: 'unknown: the images have no positions to measure the slice spacing' });
  });

  it('estimates the time left from the pace so far', () => {
    expect(msLeft(0, 10, 0)).toBeNull();
    expect(msLeft(4, 10, 2000)).toBe(3000);
    expect(msLeft(10, 10, 5000)).toBe(0);
  });
});
