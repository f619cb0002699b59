import { MedSamError } from './errors';
import { MIN_INT8_MASK_IOU, type DecoderQuantization, type DecoderSpec, type DecoderSplitSpec, type EncoderSpec, type ModelManifest, type PreOptimizedFile, type PreprocessingProfile } from './manifestTypes';

const PROFILES: readonly PreprocessingProfile[] = ['medsam-stretch-1024', 'litemedsam-longest-256'];
const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

function fail(where: string, message: string): never {
  throw new MedSamError('BAD_MANIFEST', `model manifest ${where}: ${message}`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  return value as Json;
}

function text(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') fail(`${where}.${key}`, 'must be a non-empty string');
  return v;
}

function optionalText(o: Json, key: string, where: string): string | undefined {
  return o[key] === undefined ? undefined : text(o, key, where);
}

function positiveInteger(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(`${where}.${key}`, 'must be a positive integer');
  return v;
}

function fileFields(o: Json, where: string) {
  const sha256 = o.sha256;
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    fail(
      `${where}.sha256`,
      sha256 === '' || sha256 === undefined
        ? 'is missing: run models/export/export_medsam.py on your checkpoint, or fill in the file\'s SHA-256'
        : `"${String(sha256)}" is not a lower-case hex SHA-256`,
    );
  }
  const bytes = o.bytes === undefined ? undefined : positiveInteger(o, 'bytes', where);
  const optimized = o.optimized === undefined ? undefined : parseOptimized(o.optimized, `${where}.optimized`);
  return { file: text(o, 'file', where), sha256, ...(bytes !== undefined ? { bytes } : {}), ...(optimized ? { optimized } : {}) };
}

function parseOptimized(value: unknown, where: string): PreOptimizedFile {
  const o = object(value, where);
  const { optimized, ...file } = fileFields({ ...o, optimized: undefined }, where);
  void optimized;
  if (o.level !== 'basic' && o.level !== 'extended') fail(`${where}.level`, `must be "basic" or "extended", got ${JSON.stringify(o.level)}`);
  return { ...file, level: o.level, onnxruntime: text(o, 'onnxruntime', where) };
}

function parseEncoder(value: unknown): EncoderSpec {
  const o = object(value, 'encoder');
  const inputFormat = o.inputFormat;
  if (inputFormat !== 'float32-nchw' && inputFormat !== 'uint8-hw') {
    fail('encoder.inputFormat', `must be "float32-nchw" or "uint8-hw", got ${JSON.stringify(inputFormat)}`);
  }
  const inputs = object(o.inputs, 'encoder.inputs');
  const outputs = object(o.outputs, 'encoder.outputs');
  return {
    ...fileFields(o, 'encoder'),
    inputFormat,
    inputs: { image: text(inputs, 'image', 'encoder.inputs') },
    outputs: { embedding: text(outputs, 'embedding', 'encoder.outputs') },
  };
}

function parseDecoder(value: unknown): DecoderSpec {
  const o = object(value, 'decoder');
  const contract = o.contract;
  if (contract !== 'sam' && contract !== 'box') fail('decoder.contract', `must be "sam" or "box", got ${JSON.stringify(contract)}`);
  const inputs = object(o.inputs, 'decoder.inputs');
  const outputs = object(o.outputs, 'decoder.outputs');
  const w = 'decoder.inputs';
  const maskIndex = o.maskIndex;
  if (typeof maskIndex !== 'number' || !Number.isInteger(maskIndex) || maskIndex < 0) {
    fail('decoder.maskIndex', 'must be a non-negative integer (MedSAM uses mask token 0)');
  }
  const parsedInputs =
    contract === 'sam'
      ? {
          embedding: text(inputs, 'embedding', w),
          pointCoords: text(inputs, 'pointCoords', w),
          pointLabels: text(inputs, 'pointLabels', w),
          maskInput: optionalText(inputs, 'maskInput', w),
          hasMaskInput: optionalText(inputs, 'hasMaskInput', w),
          origImSize: optionalText(inputs, 'origImSize', w),
        }
      : { embedding: text(inputs, 'embedding', w), box: text(inputs, 'box', w) };
  return {
    ...fileFields(o, 'decoder'),
    contract,
    inputs: parsedInputs,
    outputs: { lowResLogits: text(outputs, 'lowResLogits', 'decoder.outputs') },
    maskIndex,
  };
}

function parseDecoderSplit(value: unknown, decoder: DecoderSpec): DecoderSplitSpec {
  const o = object(value, 'decoderSplit');
  if (decoder.contract !== 'sam') fail('decoderSplit', 'is only defined for a "sam" contract decoder');
  const image = object(o.image, 'decoderSplit.image');
  const outputs = image.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0 || !outputs.every((n) => typeof n === 'string' && n !== '')) {
    fail('decoderSplit.image.outputs', 'must list the image part\'s output names');
  }
  return {
    image: { ...fileFields(image, 'decoderSplit.image'), outputs: outputs as string[] },
    prompt: fileFields(object(o.prompt, 'decoderSplit.prompt'), 'decoderSplit.prompt'),
  };
}

function parseQuantization(value: unknown): DecoderQuantization {
  const o = object(value, 'decoderQuantization');
  if (o.scheme !== 'int8-dynamic') fail('decoderQuantization.scheme', `must be "int8-dynamic", got ${JSON.stringify(o.scheme)}`);
  if (o.maskIou === undefined) {
    fail('decoderQuantization.maskIou', 'is missing: measure the int8 masks against the float32 decoder first (node models/export/record_int8_iou.mjs)');
  }
  const iou = object(o.maskIou, 'decoderQuantization.maskIou');
  const fraction = (key: string): number => {
    const v = iou[key];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`decoderQuantization.maskIou.${key}`, 'must be a number from 0 to 1');
    return v;
  };
  const min = fraction('min');
  if (min < MIN_INT8_MASK_IOU) {
    fail('decoderQuantization.maskIou.min', `is ${min}: an int8 decoder is accepted only with mask IoU >= ${MIN_INT8_MASK_IOU} against the float32 decoder`);
  }
  return {
    scheme: 'int8-dynamic',
    reference: text(o, 'reference', 'decoderQuantization'),
    maskIou: { min, mean: fraction('mean'), cases: positiveInteger(iou, 'cases', 'decoderQuantization.maskIou'), measuredOn: text(iou, 'measuredOn', 'decoderQuantization.maskIou') },
  };
}

/** Validates a parsed manifest JSON; every error names the field and what is wrong with it. */
export function parseManifest(json: unknown): ModelManifest {
  const o = object(json, '(top level)');
  if (o.schema !== 'medsam-ohif/model-manifest@1') {
    fail('schema', `must be "medsam-ohif/model-manifest@1", got ${JSON.stringify(o.schema)}`);
  }
  const profile = o.profile as PreprocessingProfile;
  if (!PROFILES.includes(profile)) fail('profile', `must be one of ${PROFILES.join(', ')}, got ${JSON.stringify(o.profile)}`);
  const embeddingDims = o.embeddingDims;
  if (!Array.isArray(embeddingDims) || embeddingDims.length !== 4 || !embeddingDims.every((d) => Number.isInteger(d) && d > 0)) {
    fail('embeddingDims', 'must be four positive integers, e.g. [1, 256, 64, 64]');
  }
  if (typeof o.testModel !== 'boolean') fail('testModel', 'must be true or false');
  const encoder = parseEncoder(o.encoder);
  const decoder = parseDecoder(o.decoder);
  return {
    schema: 'medsam-ohif/model-manifest@1',
    name: text(o, 'name', 'manifest'),
    version: text(o, 'version', 'manifest'),
    description: text(o, 'description', 'manifest'),
    testModel: o.testModel,
    profile,
    inputSize: positiveInteger(o, 'inputSize', 'manifest'),
    embeddingDims: embeddingDims as number[],
    lowResSize: positiveInteger(o, 'lowResSize', 'manifest'),
    encoder,
    decoder,
    ...(o.decoderSplit !== undefined ? { decoderSplit: parseDecoderSplit(o.decoderSplit, decoder) } : {}),
    ...(o.decoderQuantization !== undefined ? { decoderQuantization: parseQuantization(o.decoderQuantization) } : {}),
  };
}

/** A short, stable model identity for caches and DICOM provenance: name + version + both hashes. */
export function modelIdentity(manifest: ModelManifest): string {
  return `${manifest.name}@${manifest.version}+${manifest.encoder.sha256.slice(0, 12)}.${manifest.decoder.sha256.slice(0, 12)}`;
}
