import type { InferenceSession, Tensor as OrtTensor, TypedTensor } from 'onnxruntime-common';
import type { IoMetadata, ModelSession } from '../pipeline/backend';
import type { Tensor, TensorType } from '../pipeline/tensor';

/** The part of an onnxruntime module (node or web: same API) that the adapter uses. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: TensorType, data: Tensor['data'], dims: readonly number[]) => OrtTensor;
}

function metadata(list: readonly InferenceSession.ValueMetadata[] | undefined, names: readonly string[]): IoMetadata[] {
  if (!list) return names.map((name) => ({ name }));
  return list.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name }));
}

function toCoreTensor(t: OrtTensor): Tensor {
  return { type: t.type as TensorType, dims: [...t.dims], data: (t as TypedTensor<'float32'>).data };
}

/** Wraps an onnxruntime session as the core's runtime-neutral ModelSession. */
export function adaptOrtSession(ort: OrtModule, session: InferenceSession): ModelSession {
  return {
    inputs: metadata(session.inputMetadata, session.inputNames),
    outputs: metadata(session.outputMetadata, session.outputNames),
    async run(feeds, outputNames) {
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const results = outputNames ? await session.run(ortFeeds, [...outputNames]) : await session.run(ortFeeds);
      const out: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(results)) out[name] = toCoreTensor(t as OrtTensor);
      return out;
    },
    release: () => session.release(),
  };
}
