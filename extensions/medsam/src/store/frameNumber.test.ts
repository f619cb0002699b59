import { frameNumberOf } from './frameNumber';

describe('frameNumberOf', () => {
  it('reads DICOMweb and wadouri frame numbers (1-based)', () => {
    expect(frameNumberOf('wadors:/dicom-web/studies/1/series/2/instances/3/frames/7')).toBe(7);
    expect(frameNumberOf('wadors:/dicom-web/studies/1/series/2/instances/3/frames/1?accept=x')).toBe(1);
    expect(frameNumberOf('wadouri:/wado?requestType=WADO&objectUID=3&frame=4')).toBe(4);
    expect(frameNumberOf('dicomfile:0')).toBeUndefined();
  });
});
