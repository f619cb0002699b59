/**
 * The label maps of one frame when segments may overlap (a lesion inside an organ, both whole). A label map holds
 * one segment per voxel, so a voxel's second segment goes into the first further layer where that voxel is free.
 * Layer 0 is the frame's `labels`; the others are its `overlapLayers`.
 */
export class LayeredLabels {
  private readonly layers: Uint8Array[] = [];

  constructor(private readonly length: number) {}

  /** Records that voxel `index` belongs to segment `value` (a no-op when it is recorded already). */
  add(index: number, value: number): void {
    for (const layer of this.layers) if (layer[index] === value) return;
    for (const layer of this.layers) {
      if (layer[index] === 0) {
        layer[index] = value;
        return;
      }
    }
    const layer = new Uint8Array(this.length);
    layer[index] = value;
    this.layers.push(layer);
  }

  get labels(): Uint8Array {
    return this.layers[0] ?? new Uint8Array(this.length);
  }

  get overlapLayers(): readonly Uint8Array[] {
    return this.layers.slice(1);
  }
}

/** Every label map of a frame: its `labels`, then its overlap layers. */
export function frameLayers(frame: { readonly labels: Uint8Array; readonly overlapLayers?: readonly Uint8Array[] }): readonly Uint8Array[] {
  return frame.overlapLayers?.length ? [frame.labels, ...frame.overlapLayers] : [frame.labels];
}
