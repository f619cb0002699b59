/** A runtime-neutral tensor: what the core hands to and receives from any inference backend. */
export type TensorType = 'float32' | 'float16' | 'uint8' | 'int32' | 'int64' | 'bool';

export type TensorData = Float32Array | Uint16Array | Uint8Array | Int32Array | BigInt64Array;

export interface Tensor {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): Tensor {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new Error(`tensor data has ${data.length} values but dims [${dims.join(', ')}] need ${expected}`);
  }
  return { type: 'float32', dims, data };
}
