import { exactPowInt } from './exactPow';
import { gaussianHalfKernel } from './gaussianFilter';
import { mirrorCoordinate, mirrorIndex } from './mirror';
import { numpySum } from './numpySum';

describe('helpers that pin scipy/numpy arithmetic', () => {
  it('mirrors indices with period 2·(len − 1), and 1-sample axes to 0', () => {
    expect([-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => mirrorIndex(i, 4))).toEqual([2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1]);
    expect([-3, 0, 5].map((i) => mirrorIndex(i, 1))).toEqual([0, 0, 0]);
  });

  it('mirrors coordinates like scipy: always below 0, above len − 1 only from len on', () => {
    expect(mirrorCoordinate(-0.25, 10)).toBe(0.25);
    expect(mirrorCoordinate(9.75, 10)).toBe(9.75); // left for the mirrored coefficient indices
    expect(mirrorCoordinate(10.5, 10)).toBe(7.5);
    expect(mirrorCoordinate(-0.25, 1)).toBe(0);
  });

  it('rounds integer powers once, as glibc pow does (Math.pow is 1 ulp off for these)', () => {
    const z = -0.267949192431122706472553658494127633;
    expect(exactPowInt(z, 3)).toBe(-0.019237886466840593);
    expect(exactPowInt(z, 26)).toBe(1.3469881160603627e-15);
    expect(exactPowInt(z, 27)).toBe(-3.6092437791269357e-16);
    expect(exactPowInt(z, 0)).toBe(1);
  });

  it('sums pairwise with 8 accumulators, as numpy does', () => {
    const a = Float64Array.from([1.0, ...Array(9).fill(1e-16), 3.3, 0.1, 0.7, ...Array(7).fill(1e-16)]);
    expect(numpySum(a)).toBe(5.100000000000001); // np.sum; a sequential sum gives 5.1
  });

  it('builds scipy\'s Gaussian kernel: radius int(4·sigma + 0.5), normalised weights', () => {
    expect(gaussianHalfKernel(0.5).length).toBe(3);
    expect(gaussianHalfKernel(1.84375).length).toBe(8);
    const k = gaussianHalfKernel(1.5);
    let total = k[0];
    for (let j = 1; j < k.length; j++) total += 2 * k[j];
    expect(total).toBeCloseTo(1, 14);
  });
});
