/** The resize stage: scikit-image's cubic resize (MedSAM), OpenCV's INTER_AREA (LiteMedSAM), encoder input. */
export { resizeLikeSkimage } from './skimageResize';
export { truncateToUint8 } from './toUint8';
export { resizeArea } from './areaResize';
export { modelInputTransform, longestSideSize, boxToModelSpace, type ModelInputTransform, type PixelBox } from './modelTransform';
export {
  buildEncoderInput,
  resizeForModel,
  toEncoderTensor,
  type EncoderInput,
  type MedsamResizeMode,
} from './modelInput';
