// One decoder variant opened straight with onnxruntime (Node or browser: the caller passes the module),
// so that the benchmarks can compare files and session options the manifest does not name: a file saved
// already optimised and opened with optimisation off, an int8 file, the split decoder's parts.
//   spec: { label, decoder?: file, split?: true, image?: file, prompt?: file, level?: 'all' | 'extended' | 'basic' | 'disabled' }
// With `split` or `prompt` the variant is the split decoder (parts default to the manifest's); files are
// relative to the manifest; `level` is onnxruntime's graphOptimizationLevel (default 'all', as the product).

/** → { label, split, createMs, session, imageMs?, release() }; `session` takes the unsplit decoder's feeds. */
export async function openDecoderVariant({ ort, core, manifest, read, provider, spec, embedding }) {
  const level = spec.level ?? 'all';
  const open = async (file) => {
    const bytes = await read(file);
    const t = performance.now();
    const s = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: level });
    return { session: core.adaptOrtSession(ort, s), ms: performance.now() - t };
  };
  if (!spec.prompt && !spec.split) {
    const { session, ms } = await open(spec.decoder ?? manifest.decoder.file);
    return { label: spec.label, split: false, createMs: ms, session, release: () => session.release() };
  }
  if (!manifest.decoderSplit) throw new Error(`variant ${spec.label}: the manifest has no decoderSplit`);
  const image = await open(spec.image ?? manifest.decoderSplit.image.file);
  const prompt = await open(spec.prompt ?? manifest.decoderSplit.prompt.file);
  const split = { spec: manifest.decoderSplit, image: image.session, prompt: prompt.session };
  const t = performance.now();
  const features = await core.decoderImageFeatures(split, manifest, embedding);
  const imageMs = performance.now() - t;
  return {
    label: spec.label,
    split: true,
    createMs: image.ms + prompt.ms,
    imageMs,
    session: core.promptDecoderSession(split, features),
    release: () => core.releaseSplitDecoder(split),
  };
}

/** Largest absolute difference between two logit arrays, and the IoU of their masks (logit > 0). */
export function compareLogits(a, b) {
  let maxDiff = 0;
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    const x = a[i] > 0;
    const y = b[i] > 0;
    if (x && y) both++;
    if (x || y) either++;
  }
  return { maxDiff, iou: either === 0 ? 1 : both / either };
}
