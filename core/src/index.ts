// The pure MedSAM pipeline: what the OHIF extension, the embedding service, the CLI and tests share.
// Runtimes (onnxruntime-node/web, the inference-protocol client) live in ./runtimes and are imported
// explicitly by whoever needs them, so this entry stays free of runtime and platform imports.
export * from './pipeline/backend';
export * from './pipeline/box';
export * from './pipeline/mosaic';
export * from './pipeline/decoderFeeds';
export * from './pipeline/errors';
export * from './pipeline/hash';
export * from './pipeline/image';
export * from './pipeline/manifest';
export * from './pipeline/manifestTypes';
export * from './pipeline/modelLoader';
export * from './pipeline/modelFile';
export * from './pipeline/splitDecoder';
export * from './pipeline/decoderWarmup';
export * from './pipeline/normalize';
export * from './pipeline/postprocess';
export * from './pipeline/predictor';
export * from './pipeline/preprocess';
export * from './pipeline/tensor';
// 3D (issue 10): the protocols and their model-space boxes, for the viewer's "Segment in 3D".
export * from './pipeline/volume';
export { modelInputTransform, type ModelInputTransform, type PixelBox } from './pipeline/resize/modelTransform';
