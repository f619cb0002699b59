import type { InferenceBackend, ModelSession } from './backend';
import { MedSamError } from './errors';
import { sha256Hex } from './hash';
import type { DecoderSplitSpec, ModelFile, ModelManifest } from './manifestTypes';
import type { ModelFileSource } from './modelLoader';
import { fileToOpen } from './modelFile';
import type { Tensor } from './tensor';

/** The two sessions of a split decoder (manifest `decoderSplit`). */
export interface SplitDecoder {
  readonly spec: DecoderSplitSpec;
  readonly image: ModelSession;
  readonly prompt: ModelSession;
}

/** What the image part computed for one embedding: the prompt part's extra inputs, by name. */
export type DecoderImageFeatures = Readonly<Record<string, Tensor>>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function openVerified(entry: ModelFile, role: string, manifest: ModelManifest, source: ModelFileSource, backend: InferenceBackend): Promise<ModelSession> {
  const { file, preOptimized } = fileToOpen(entry, backend);
  let bytes: Uint8Array;
  try {
    bytes = await source.read(file.file);
  } catch (e) {
    throw new MedSamError('MODEL_UNAVAILABLE', `cannot read the ${role} file "${file.file}" of model ${manifest.name}: ${message(e)}`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new MedSamError('MODEL_HASH_MISMATCH', `the ${role} file "${file.file}" has SHA-256 ${actual}, but model ${manifest.name} expects ${file.sha256}: the file is corrupt, incomplete or a different model`);
  }
  try {
    return await backend.createSession(bytes, { preOptimized });
  } catch (e) {
    throw new MedSamError('MODEL_UNAVAILABLE', `${backend.name} cannot open the ${role} file "${file.file}": ${message(e)}`);
  }
}

/** The names the prompt part may take: the decoder's prompt inputs without the mask prompt, and the image part's outputs. */
function promptInputNames(manifest: ModelManifest, spec: DecoderSplitSpec): Set<string> {
  const { maskInput, hasMaskInput, ...rest } = manifest.decoder.inputs;
  void maskInput;
  void hasMaskInput;
  return new Set([...Object.values(rest).filter((n): n is string => typeof n === 'string'), ...spec.image.outputs]);
}

function checkSplitContract(manifest: ModelManifest, spec: DecoderSplitSpec, image: ModelSession, prompt: ModelSession): void {
  const fail = (m: string): never => {
    throw new MedSamError('MODEL_CONTRACT', `split decoder: ${m}`);
  };
  const names = (l: readonly { name: string }[]) => l.map((io) => io.name);
  const embedding = manifest.decoder.inputs.embedding;
  if (image.inputs.length !== 1 || image.inputs[0]!.name !== embedding) {
    fail(`the image part must take only "${embedding}", it takes ${names(image.inputs).join(', ')}`);
  }
  for (const out of spec.image.outputs) if (!image.outputs.some((io) => io.name === out)) fail(`the image part has no output "${out}" (it has ${names(image.outputs).join(', ')})`);
  const allowed = promptInputNames(manifest, spec);
  const unknown = prompt.inputs.filter((io) => !allowed.has(io.name));
  if (unknown.length) fail(`the prompt part needs inputs the manifest does not give it: ${names(unknown).join(', ')}`);
  const logits = manifest.decoder.outputs.lowResLogits;
  if (!prompt.outputs.some((io) => io.name === logits)) fail(`the prompt part has no output "${logits}"`);
}

/** Reads, verifies (SHA-256) and opens both parts of the manifest's split decoder; null when it has none. */
export async function loadSplitDecoder(manifest: ModelManifest, source: ModelFileSource, backend: InferenceBackend): Promise<SplitDecoder | null> {
  const spec = manifest.decoderSplit;
  if (!spec) return null;
  const image = await openVerified(spec.image, 'decoder image part', manifest, source, backend);
  let prompt: ModelSession;
  try {
    prompt = await openVerified(spec.prompt, 'decoder prompt part', manifest, source, backend);
  } catch (e) {
    await image.release();
    throw e;
  }
  try {
    checkSplitContract(manifest, spec, image, prompt);
  } catch (e) {
    await Promise.allSettled([image.release(), prompt.release()]);
    throw e;
  }
  return { spec, image, prompt };
}

/** The image part on one embedding: run once, then reused for every box on it. */
export async function decoderImageFeatures(split: SplitDecoder, manifest: ModelManifest, embedding: Tensor): Promise<DecoderImageFeatures> {
  const out = await split.image.run({ [manifest.decoder.inputs.embedding]: embedding }, split.spec.image.outputs);
  for (const name of split.spec.image.outputs) {
    if (!out[name]) throw new MedSamError('INFERENCE_FAILED', `the decoder's image part returned no "${name}" output`);
  }
  return out;
}

/**
 * The prompt part as a ModelSession that takes the unsplit decoder's feeds (decoderFeeds): it adds the
 * embedding's image features and passes on only the inputs the prompt graph declares, so decodeModelBox and
 * everything after it run unchanged.
 */
export function promptDecoderSession(split: SplitDecoder, features: DecoderImageFeatures): ModelSession {
  const wanted = split.prompt.inputs.map((io) => io.name);
  return {
    inputs: split.prompt.inputs,
    outputs: split.prompt.outputs,
    run(feeds, outputNames) {
      const all: Record<string, Tensor> = { ...feeds, ...features };
      const picked: Record<string, Tensor> = {};
      for (const name of wanted) {
        const t = all[name];
        if (!t) throw new MedSamError('INFERENCE_FAILED', `the decoder's prompt part needs "${name}", which no feed gives`);
        picked[name] = t;
      }
      return split.prompt.run(picked, outputNames);
    },
    release: async () => undefined, // the split decoder's owner releases the real sessions
  };
}

export async function releaseSplitDecoder(split: SplitDecoder): Promise<void> {
  await Promise.allSettled([split.image.release(), split.prompt.release()]);
}
