import { float32Tensor } from './tensor';

describe('float32Tensor', () => {
  it('refuses data whose length does not match the dims', () => {
    expect(() => float32Tensor(new Float32Array(5), [1, 2, 3])).toThrow(/5 values but dims \[1, 2, 3\] need 6/);
    expect(float32Tensor(new Float32Array(6), [1, 2, 3]).dims).toEqual([1, 2, 3]);
  });
});
