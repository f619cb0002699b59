import { areaMm2, frameOfImageId, toSourceImage, type ImageFields } from './toSourceImage';

const fields = (over: Partial<ImageFields> = {}): ImageFields => ({
  rows: 2,
  columns: 2,
  pixels: new Int16Array([0, 1000, 2000, 3000]),
  slope: 1,
  intercept: -1024,
  preScaled: false,
  color: false,
  modality: 'CT',
  rowPixelSpacing: 0.7,
  columnPixelSpacing: 0.8,
  ...over,
});

describe('toSourceImage', () => {
  it('keeps stored values with the instance slope/intercept', () => {
    const image = toSourceImage(fields());
    expect(image).toMatchObject({ rows: 2, columns: 2, samplesPerPixel: 1, rescaleSlope: 1, rescaleIntercept: -1024, modality: 'CT', pixelSpacing: [0.7, 0.8] });
    expect(Array.from(image.pixels)).toEqual([0, 1000, 2000, 3000]);
  });

  it('pre-scaled pixels (dicom-image-loader default) are already HU: identity modality LUT', () => {
    const image = toSourceImage(fields({ pixels: new Float32Array([-1024, -24, 976, 1976]), preScaled: true, slope: 2, intercept: -1024 }));
    expect(image.rescaleSlope).toBe(1);
    expect(image.rescaleIntercept).toBe(0);
    expect(image.pixels).toBeInstanceOf(Float32Array);
  });

  it('always copies the pixels (the copy is moved to the worker)', () => {
    const pixels = new Uint16Array([1, 2, 3, 4]);
    const image = toSourceImage(fields({ pixels }));
    expect(image.pixels).not.toBe(pixels);
    expect(image.pixels).toBeInstanceOf(Uint16Array);
    (image.pixels as Uint16Array)[0] = 9;
    expect(pixels[0]).toBe(1);
  });

  it('turns RGBA colour images into interleaved RGB', () => {
    const image = toSourceImage(fields({ rows: 1, columns: 2, color: true, pixels: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]) }));
    expect(image.samplesPerPixel).toBe(3);
    expect(Array.from(image.pixels)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('drops unknown spacing and refuses a size mismatch', () => {
    expect(toSourceImage(fields({ rowPixelSpacing: undefined })).pixelSpacing).toBeUndefined();
    expect(() => toSourceImage(fields({ rows: 3 }))).toThrow(/4 values for 3×2/);
    expect(toSourceImage(fields({ modality: '' })).modality).toBe('OT');
  });
});

describe('frameOfImageId / areaMm2', () => {
  it('reads frame numbers from wadors and wadouri imageIds', () => {
    expect(frameOfImageId('wadors:/dicom-web/studies/1/series/2/instances/3/frames/4')).toBe(4);
    expect(frameOfImageId('wadouri:/wado?objectUID=3&frame=2')).toBe(2);
    expect(frameOfImageId('dicomfile:7')).toBe(1);
  });

  it('area = pixels × row spacing × column spacing', () => {
    expect(areaMm2(100, [0.5, 0.8])).toBeCloseTo(40);
    expect(areaMm2(100, undefined)).toBeNull();
  });
});
