// What the OHIF glue hands the SEG builder, and what the reader gives back. Attribute-like fields use DICOM
// keywords so OHIF's instance metadata (and dcmjs-naturalised datasets) map onto them one to one.
import type { FileRun } from '@medsam-ohif/core/src/pipeline/modelFile';
import type { NormalizationRecord } from '@medsam-ohif/core/src/pipeline/normalize';
import type { CodedConcept, SegmentTargetKey } from './codes';
import type { PersonNameValue } from './vr';

export type Vec3 = readonly [number, number, number];
export type Vec6 = readonly [number, number, number, number, number, number];

/** One frame of a multi-frame source (Enhanced CT/MR per-frame functional groups, RT Dose grid offsets). */
export interface SegSourceFrame {
  readonly ImagePositionPatient: Vec3;
  /** Absent: the instance's ImageOrientationPatient. */
  readonly ImageOrientationPatient?: Vec6;
}

/** A source image instance the segmentation was drawn on. Every instance of the viewed series belongs here. */
export interface SegSourceInstance {
  readonly SOPClassUID: string;
  readonly SOPInstanceUID: string;
  readonly StudyInstanceUID: string;
  readonly SeriesInstanceUID: string;
  readonly FrameOfReferenceUID: string;
  readonly Modality?: string;
  readonly Rows: number;
  readonly Columns: number;
  /** Row spacing then column spacing, mm. */
  readonly PixelSpacing: readonly [number, number];
  readonly ImageOrientationPatient: Vec6;
  /** Single-frame sources. */
  readonly ImagePositionPatient?: Vec3;
  readonly SliceThickness?: number;
  readonly SpacingBetweenSlices?: number;
  /** Multi-frame sources: NumberOfFrames and the geometry of each frame, frame 1 first. */
  readonly NumberOfFrames?: number;
  readonly PerFrame?: readonly SegSourceFrame[];
  readonly PatientName?: PersonNameValue;
  readonly PatientID?: string;
  readonly PatientBirthDate?: string;
  readonly PatientSex?: string;
  readonly StudyDate?: string;
  readonly StudyTime?: string;
  readonly StudyID?: string;
  readonly StudyDescription?: string;
  readonly AccessionNumber?: string;
  readonly ReferringPhysicianName?: PersonNameValue;
  /** "01" when the source was lossy compressed: the SEG must say so too. */
  readonly LossyImageCompression?: string;
  readonly LossyImageCompressionRatio?: readonly number[];
  readonly LossyImageCompressionMethod?: readonly string[];
}

export interface SegAlgorithm {
  /** SegmentAlgorithmName, e.g. "MedSAM". */
  readonly name: string;
  /** AlgorithmName: the model manifest's name. */
  readonly modelName: string;
  /** AlgorithmVersion: `modelIdentity(manifest)` (name, version and the hashes of the manifest's own files). */
  readonly modelVersion: string;
  /** Which decoder files made the masks (in AlgorithmParameters): absent for results recorded before it was kept. */
  readonly decoderRun?: DecoderRun;
}

/**
 * Where the decoder ran and which files: the browser may open a pre-optimised file (manifest `optimized`) or the
 * split decoder's parts instead of the decoder file that `modelVersion` names.
 */
export interface DecoderRun {
  /** The files this browser's decoder ran, as the manifest names them; absent when it did not decode. */
  readonly browserFiles?: readonly FileRun[];
  /** The embedding service decoded (some of) the masks, with the decoder it loaded itself. */
  readonly service?: boolean;
}

export interface SegSegmentInput {
  /** 1..n, the value this segment has in the label maps. */
  readonly segmentNumber: number;
  readonly label: string;
  readonly description?: string;
  /** A key of SEGMENT_TARGETS or explicit codes; absent: Tissue/Tissue. */
  readonly target?: SegmentTargetKey | { readonly category: CodedConcept; readonly type: CodedConcept };
  /** sRGB 0–255, written as RecommendedDisplayCIELabValue. */
  readonly color?: readonly [number, number, number];
  /** Absent: a segment drawn by hand (SegmentAlgorithmType MANUAL, no algorithm identification). */
  readonly algorithm?: SegAlgorithm;
  /** How the image was normalised for the model: AlgorithmParameters (with `algorithm` only). */
  readonly normalization?: NormalizationRecord;
}

/** The label map of one source frame: Rows×Columns segment numbers, 0 = background, row by row. */
export interface SegFrameMask {
  readonly sopInstanceUID: string;
  /** 1-based frame of a multi-frame source; absent (or 1) for single-frame sources. */
  readonly frameNumber?: number;
  readonly labels: Uint8Array;
  /**
   * Segments that overlap those in `labels` (a lesion inside an organ, both whole): further label maps of the
   * same frame, each of segment numbers. BINARY only; a label map SEG holds one segment per voxel.
   */
  readonly overlapLayers?: readonly Uint8Array[];
}

export type SegSopClass = 'binary' | 'labelmap';

export interface SegBuildOptions {
  /** Default 'binary' (Segmentation Storage): see README. */
  readonly sopClass?: SegSopClass;
  /** Caller-owned UIDs, so a retried store overwrites instead of duplicating. */
  readonly seriesInstanceUID: string;
  readonly sopInstanceUID: string;
  readonly seriesNumber?: number;
  readonly instanceNumber?: number;
  readonly seriesDescription?: string;
  readonly contentLabel?: string;
  readonly contentDescription?: string;
  readonly contentCreatorName?: PersonNameValue;
  readonly manufacturer?: string;
  readonly manufacturerModelName?: string;
  readonly deviceSerialNumber?: string;
  readonly softwareVersions?: string | readonly string[];
  /** ContentDate/Time; pass the same value on a retry to get the same bytes. Default: now. */
  readonly contentDateTime?: Date;
  /** Leave out frames without any segment voxel (default true). */
  readonly omitEmptyFrames?: boolean;
  /** Label map only: describe pixel value 0 as a "Background" segment 0 (off: OHIF 3.13 misnumbers it). */
  readonly describeBackground?: boolean;
}

export interface SegmentationInput {
  readonly sources: readonly SegSourceInstance[];
  readonly segments: readonly SegSegmentInput[];
  readonly frames: readonly SegFrameMask[];
  readonly options: SegBuildOptions;
}

export interface ReadSegment {
  readonly segmentNumber: number;
  readonly label: string;
  readonly description?: string;
  readonly algorithmType: string;
  readonly algorithmName?: string;
  readonly modelName?: string;
  readonly modelVersion?: string;
  readonly algorithmParameters?: string;
  /** Parsed back from AlgorithmParameters when this builder wrote it. */
  readonly normalization?: NormalizationRecord;
  readonly category: CodedConcept;
  readonly type: CodedConcept;
  readonly color?: readonly [number, number, number];
}

export interface ReadFrame {
  readonly sopInstanceUID: string;
  /** Present when the SEG references a frame of a multi-frame source. */
  readonly frameNumber?: number;
  readonly imagePositionPatient?: Vec3;
  /** Rows×Columns segment numbers, 0 = background. */
  readonly labels: Uint8Array;
  /** Where segments overlap (BINARY): the voxels that `labels` could not hold, as further label maps. */
  readonly overlapLayers?: readonly Uint8Array[];
}

export interface ReadSegmentation {
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly studyInstanceUID: string;
  readonly frameOfReferenceUID?: string;
  readonly referencedSeriesInstanceUIDs: readonly string[];
  readonly rows: number;
  readonly columns: number;
  readonly segments: readonly ReadSegment[];
  /** One entry per referenced source frame, in the order they first appear in the SEG. */
  readonly frames: readonly ReadFrame[];
}
