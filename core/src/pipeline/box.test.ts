import { checkBox, MIN_BOX_SIDE_PX, parseBox } from './box';
import { MedSamError } from './errors';

describe('checkBox', () => {
  it('keeps a box inside the image and orders reversed corners', () => {
    expect(checkBox({ x0: 50, y0: 40, x1: 10, y1: 20 }, 100, 80)).toEqual({ box: { x0: 10, y0: 20, x1: 50, y1: 40 }, clamped: false });
  });

  it('clamps a box that is partly outside to the pixel-index range', () => {
    expect(checkBox({ x0: -5, y0: 10, x1: 200, y1: 30 }, 64, 128)).toEqual({ box: { x0: 0, y0: 10, x1: 127, y1: 30 }, clamped: true });
  });

  it.each([
    ['zero width', { x0: 5, y0: 5, x1: 5, y1: 30 }, /zero area/],
    ['zero height', { x0: 5, y0: 9, x1: 30, y1: 9 }, /zero area/],
    ['wholly left', { x0: -50, y0: 5, x1: -1, y1: 30 }, /wholly outside the 64×64 image/],
    ['wholly below', { x0: 5, y0: 70, x1: 30, y1: 90 }, /wholly outside/],
    ['only the edge', { x0: 63, y0: 5, x1: 90, y1: 30 }, /only touches the edge/],
    ['not a number', { x0: NaN, y0: 5, x1: 30, y1: 30 }, /finite/],
    ['2×2 pixels', { x0: 10, y0: 10, x1: 12, y1: 12 }, /the box is 2×2 pixels: too small for MedSAM, which needs at least 4 pixels on each side/],
    ['3.5 pixels wide', { x0: 10, y0: 10, x1: 13.5, y1: 40 }, /3\.5×30 pixels: too small/],
    ['a side cut below 4 by the edge', { x0: 61, y0: 5, x1: 90, y1: 30 }, /2×25 pixels: too small/],
  ])('refuses a box with %s', (_name, box, message) => {
    expect(() => checkBox(box, 64, 64)).toThrow(message);
    try {
      checkBox(box, 64, 64);
    } catch (e) {
      expect(e).toBeInstanceOf(MedSamError);
      expect((e as MedSamError).code).toBe('BAD_BOX');
    }
  });
});

it('accepts a box of exactly MIN_BOX_SIDE_PX on each side', () => {
  expect(checkBox({ x0: 10, y0: 10, x1: 10 + MIN_BOX_SIDE_PX, y1: 10 + MIN_BOX_SIDE_PX }, 64, 64).box).toEqual({ x0: 10, y0: 10, x1: 14, y1: 14 });
});

describe('parseBox', () => {
  it('reads four comma-separated numbers', () => {
    expect(parseBox('1,2.5, 3,4')).toEqual({ x0: 1, y0: 2.5, x1: 3, y1: 4 });
  });
  it.each(['1,2,3', '1,2,3,x', '', '1,,3,4'])('refuses "%s"', (text) => {
    expect(() => parseBox(text)).toThrow(/four numbers/);
  });
});
