/**
 * Which labelmap storage holds a segment, and with which voxel value. cornerstone 5.6 can spread one
 * segmentation over several labelmap "layers" (overlapping segments); each segment is bound to a layer and a
 * label value, which equals the segment index unless bindings say otherwise. Works on the plain
 * `representationData.Labelmap` object, so it needs no cornerstone import.
 */
export interface LabelmapLayerData {
  readonly labelmapId?: string;
  readonly storageKind?: 'stack' | 'volume';
  readonly imageIds?: readonly string[];
  readonly volumeId?: string;
  readonly referencedImageIds?: readonly string[];
  readonly referencedVolumeId?: string;
}

export interface LabelmapData extends LabelmapLayerData {
  readonly labelmaps?: Readonly<Record<string, LabelmapLayerData>>;
  readonly segmentBindings?: Readonly<Record<number, { readonly labelmapId: string; readonly labelValue: number }>>;
  readonly primaryLabelmapId?: string;
}

export interface SegmentStorage {
  /** Derived labelmap images (stack storage), one per source image. */
  readonly imageIds?: readonly string[];
  /** Or a labelmap volume (volume storage). */
  readonly volumeId?: string;
  /** The voxel value that means this segment. */
  readonly labelValue: number;
}

export function segmentStorage(data: LabelmapData, segmentIndex: number): SegmentStorage {
  const binding = data.segmentBindings?.[segmentIndex];
  const layers = data.labelmaps ?? {};
  const layer =
    (binding && layers[binding.labelmapId]) ||
    (data.primaryLabelmapId !== undefined ? layers[data.primaryLabelmapId] : undefined) ||
    Object.values(layers)[0] ||
    data;
  const imageIds = layer.imageIds?.length ? layer.imageIds : undefined;
  return { ...(imageIds ? { imageIds } : {}), ...(!imageIds && layer.volumeId ? { volumeId: layer.volumeId } : {}), labelValue: binding?.labelValue ?? segmentIndex };
}
