/** 3D segmentation: MedSAM's reference 3D box protocol, one box without a range, key-slice boxes. */
export * from './types';
export * from './modelSpaceBox';
export * from './propagate';
export * from './protocols';
export * from './decodeModelBox';
export * from './measure';
