import type { Box } from './box';
import type { DecoderSpec } from './manifestTypes';
import type { Tensor } from './tensor';

/**
 * The decoder's feeds for one box (already in model space). SAM's ONNX contract takes the box as two
 * points labelled 2 (top-left) and 3 (bottom-right) and an empty mask prompt; the decoder graph itself
 * adds +0.5 and divides by the input size, as MedSAM's prompt encoder does. `embedding` null: the session
 * holds the embedding itself (a decoder on an inference service that kept it), so it is not fed.
 */
export function decoderFeeds(
  spec: DecoderSpec,
  embedding: Tensor | null,
  modelBox: Box,
  lowResSize: number,
  originalSize: { rows: number; columns: number },
): Record<string, Tensor> {
  const { x0, y0, x1, y1 } = modelBox;
  const feeds: Record<string, Tensor> = embedding ? { [spec.inputs.embedding]: embedding } : {};
  if (spec.contract === 'box') {
    feeds[spec.inputs.box!] = { type: 'float32', dims: [1, 4], data: Float32Array.of(x0, y0, x1, y1) };
    return feeds;
  }
  feeds[spec.inputs.pointCoords!] = { type: 'float32', dims: [1, 2, 2], data: Float32Array.of(x0, y0, x1, y1) };
  feeds[spec.inputs.pointLabels!] = { type: 'float32', dims: [1, 2], data: Float32Array.of(2, 3) };
  if (spec.inputs.maskInput) {
    feeds[spec.inputs.maskInput] = { type: 'float32', dims: [1, 1, lowResSize, lowResSize], data: new Float32Array(lowResSize * lowResSize) };
  }
  if (spec.inputs.hasMaskInput) feeds[spec.inputs.hasMaskInput] = { type: 'float32', dims: [1], data: Float32Array.of(0) };
  if (spec.inputs.origImSize) {
    feeds[spec.inputs.origImSize] = { type: 'float32', dims: [2], data: Float32Array.of(originalSize.rows, originalSize.columns) };
  }
  return feeds;
}

/** Picks MedSAM's mask (token `maskIndex`, 0 for MedSAM) out of a [1, K, S, S] logits tensor. */
export function selectMaskLogits(logits: Tensor, maskIndex: number, lowResSize: number): Float32Array {
  if (!(logits.data instanceof Float32Array)) throw new Error(`decoder logits must be float32, got ${logits.type}`);
  const plane = lowResSize * lowResSize;
  const [n, k, h, w] = logits.dims;
  if (logits.dims.length !== 4 || n !== 1 || h !== lowResSize || w !== lowResSize || maskIndex >= k) {
    throw new Error(`decoder logits have shape [${logits.dims.join(', ')}], expected [1, >${maskIndex}, ${lowResSize}, ${lowResSize}]`);
  }
  return logits.data.subarray(maskIndex * plane, (maskIndex + 1) * plane);
}
