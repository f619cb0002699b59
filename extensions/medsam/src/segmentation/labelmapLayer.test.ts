import { segmentStorage } from './labelmapLayer';

describe('segmentStorage', () => {
  it('a plain stack labelmap: its images, value = segment index', () => {
    expect(segmentStorage({ imageIds: ['l1', 'l2'] }, 3)).toEqual({ imageIds: ['l1', 'l2'], labelValue: 3 });
  });

  it('follows segment bindings to their layer and label value', () => {
    const data = {
      imageIds: ['p1'],
      primaryLabelmapId: 'seg-storage-0',
      labelmaps: { 'seg-storage-0': { imageIds: ['p1'] }, 'seg-storage-1': { imageIds: ['o1'] } },
      segmentBindings: { 1: { labelmapId: 'seg-storage-0', labelValue: 1 }, 2: { labelmapId: 'seg-storage-1', labelValue: 1 } },
    };
    expect(segmentStorage(data, 2)).toEqual({ imageIds: ['o1'], labelValue: 1 });
    expect(segmentStorage(data, 1)).toEqual({ imageIds: ['p1'], labelValue: 1 });
    // an unbound segment (e.g. a preview value) goes to the primary layer with its own value
    expect(segmentStorage(data, 255)).toEqual({ imageIds: ['p1'], labelValue: 255 });
  });

  it('volume storage when a layer has no images', () => {
    expect(segmentStorage({ labelmaps: { a: { volumeId: 'v' } } }, 1)).toEqual({ volumeId: 'v', labelValue: 1 });
  });
});
