import type { IoMetadata, ModelSession } from './backend';
import { MedSamError } from './errors';
import type { DecoderSpec, EncoderSpec, ModelManifest } from './manifestTypes';

function fail(message: string): never {
  throw new MedSamError('MODEL_CONTRACT', message);
}

function find(list: readonly IoMetadata[], name: string, role: string, part: string): IoMetadata {
  const hit = list.find((io) => io.name === name);
  if (!hit) {
    fail(`${part} has no ${role} named "${name}" (the manifest says so); the model has: ${list.map((io) => io.name).join(', ') || 'none'}`);
  }
  return hit;
}

/** Static dims must match; symbolic dims (strings, or -1) match anything. */
function checkShape(io: IoMetadata, expected: readonly (number | null)[], part: string): void {
  if (!io.shape || io.shape.length === 0) return; // unknown shape: nothing to check
  const shape = io.shape;
  const describe = (s: readonly (number | string | null)[]) => `[${s.map((d) => d ?? '?').join(', ')}]`;
  if (shape.length !== expected.length) {
    fail(`${part} "${io.name}" has shape ${describe(shape)}, the manifest needs ${describe(expected)}`);
  }
  shape.forEach((d, i) => {
    const want = expected[i];
    if (want !== null && typeof d === 'number' && d > 0 && d !== want) {
      fail(`${part} "${io.name}" has shape ${describe(shape)}, the manifest needs ${describe(expected)}`);
    }
  });
}

export function checkEncoderContract(session: ModelSession, spec: EncoderSpec, manifest: ModelManifest): void {
  const s = manifest.inputSize;
  const image = find(session.inputs, spec.inputs.image, 'input', 'encoder');
  // A LiteMedSAM compact input varies with the image ([h, w], padded inside the graph).
  const compact: (number | null)[] = manifest.profile === 'litemedsam-longest-256' ? [null, null] : [s, s];
  checkShape(image, spec.inputFormat === 'float32-nchw' ? [1, 3, s, s] : compact, 'encoder input');
  if (spec.inputFormat === 'uint8-hw' && manifest.profile === 'litemedsam-longest-256' && image.shape?.some((d) => typeof d === 'number' && d > 0)) {
    fail(
      `encoder input "${image.name}" has the fixed shape [${image.shape.join(', ')}], but a ${manifest.profile} uint8 encoder takes the resized image before padding ([rows, columns]): wrap the float32 encoder again with models/export/wrap_uint8_encoder.py`,
    );
  }
  const extra = session.inputs.filter((io) => io.name !== spec.inputs.image);
  if (extra.length) fail(`encoder needs inputs the manifest does not map: ${extra.map((io) => io.name).join(', ')}`);
  checkShape(find(session.outputs, spec.outputs.embedding, 'output', 'encoder'), manifest.embeddingDims, 'encoder output');
}

export function checkDecoderContract(session: ModelSession, spec: DecoderSpec, manifest: ModelManifest): void {
  const mapped = Object.values(spec.inputs).filter((n): n is string => typeof n === 'string');
  for (const name of mapped) find(session.inputs, name, 'input', 'decoder');
  const unmapped = session.inputs.filter((io) => !mapped.includes(io.name));
  if (unmapped.length) fail(`decoder needs inputs the manifest does not map: ${unmapped.map((io) => io.name).join(', ')}`);
  checkShape(find(session.inputs, spec.inputs.embedding, 'input', 'decoder'), manifest.embeddingDims, 'decoder input');
  const logits = find(session.outputs, spec.outputs.lowResLogits, 'output', 'decoder');
  checkShape(logits, [1, null, manifest.lowResSize, manifest.lowResSize], 'decoder output');
  const masks = logits.shape?.[1];
  if (typeof masks === 'number' && masks > 0 && spec.maskIndex >= masks) {
    fail(`decoder output "${logits.name}" holds ${masks} mask(s) but the manifest asks for mask index ${spec.maskIndex}`);
  }
}
