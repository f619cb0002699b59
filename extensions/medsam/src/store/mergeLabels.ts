import { LayeredLabels } from '../seg/labelLayers';
import { SaveError } from './saveErrors';

/** One labelmap slice of one segment's layer: the voxels over one source image. */
export interface LayerSlice {
  readonly sourceImageId: string;
  readonly values: ArrayLike<number>;
}

/** Where a segment's voxels are: the slices of its labelmap layer, and the value that means this segment. */
export interface SegmentLayer {
  readonly segmentIndex: number;
  readonly labelValue: number;
  readonly slices: readonly LayerSlice[];
}

export interface MergedLabels {
  /** Viewer segment index → SEG segment number (1..n, in segment index order; empty segments left out). */
  readonly numbering: ReadonlyMap<number, number>;
  /**
   * Source imageId → its label maps in SEG segment numbers (more than one where segments overlap: each segment
   * stays whole); only images with a voxel of some segment.
   */
  readonly frames: ReadonlyMap<string, { readonly labels: Uint8Array; readonly overlapLayers: readonly Uint8Array[] }>;
  /** True when some voxel belongs to two segments (they live in different labelmap layers). */
  readonly overlapping: boolean;
  /** Segments without a single voxel (not saved). */
  readonly empty: readonly number[];
}

function hasValue(values: ArrayLike<number>, value: number): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === value) return true;
  return false;
}

/**
 * The segments' layers as label maps per source image, numbered 1..n as DICOM-SEG wants. Viewer segment
 * indices may have gaps (a deleted segment) and may live in different labelmap layers, which is how the viewer
 * keeps overlapping segments whole; a voxel of two segments then goes into an overlap layer, never dropped.
 */
export function mergeLabels(layers: readonly SegmentLayer[], length: number): MergedLabels {
  const sorted = [...layers].sort((a, b) => a.segmentIndex - b.segmentIndex);
  const filled = sorted.filter((layer) => layer.slices.some((s) => hasValue(s.values, layer.labelValue)));
  if (filled.length > 255) throw new SaveError('INTERNAL', `${filled.length} segments: a DICOM-SEG label map holds at most 255`);
  const numbering = new Map(filled.map((layer, i) => [layer.segmentIndex, i + 1] as const));
  const frames = new Map<string, LayeredLabels>();
  for (const layer of filled) {
    const number = numbering.get(layer.segmentIndex)!;
    for (const slice of layer.slices) {
      if (slice.values.length !== length) throw new SaveError('INTERNAL', `the labelmap over ${slice.sourceImageId} has ${slice.values.length} voxels, expected ${length}`);
      if (!hasValue(slice.values, layer.labelValue)) continue;
      let labels = frames.get(slice.sourceImageId);
      if (!labels) frames.set(slice.sourceImageId, (labels = new LayeredLabels(length)));
      for (let i = 0; i < length; i++) if (slice.values[i] === layer.labelValue) labels.add(i, number);
    }
  }
  const out = new Map([...frames].map(([imageId, layered]) => [imageId, { labels: layered.labels, overlapLayers: layered.overlapLayers }] as const));
  return {
    numbering,
    frames: out,
    overlapping: [...out.values()].some((f) => f.overlapLayers.length > 0),
    empty: sorted.filter((l) => !numbering.has(l.segmentIndex)).map((l) => l.segmentIndex),
  };
}
