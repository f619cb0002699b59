/**
 * Reads one frame of a DICOM Part 10 image into a SourceImage (stored values + Rescale Slope/Intercept).
 *
 * Pixel data: native little/big endian (implicit or explicit VR, also deflated), RLE Lossless, JPEG 2000
 * (.90/.91), JPEG-LS (.80/.81) and JPEG baseline (.50); 1, 8, 16 and 32 bits allocated, signed or unsigned,
 * Bits Stored < Bits Allocated with sign extension. Colour images come back as interleaved RGB (planar
 * data is interleaved, YBR_FULL / YBR_FULL_422 converted).
 *
 * MONOCHROME1 (low values displayed bright: CR/DX/MG) is inverted within the stored range
 * (v' = min + max - v, e.g. 4095 - v for 12 unsigned bits) so that, like MONOCHROME2, higher values are
 * brighter after normalisation; `dicom.inverted` says so and the window centre is mapped to the new
 * values. The rescaled values of such an image are then not physical units (MONOCHROME1 modalities have
 * none). Pass `{ invertMonochrome1: false }` to get the values as stored.
 */
import type { SourceImage } from '../pipeline/image';
import { parseDicom, type ParsedDicom } from './dicomDataset';
import {
  readImageInfo,
  readPixelModule,
  readRescale,
  requirePixelData,
  type DicomImageInfo,
  type PixelModule,
} from './dicomInfo';
import { decodeFrame } from './decodeFrame';
import { imageError } from './errors';
import { storedRange, type IntegerArray } from './pixelValues';
import { describeTransferSyntax } from './transferSyntax';

export type { DicomImageInfo } from './dicomInfo';

export interface DicomSourceImage extends SourceImage {
  readonly dicom: DicomImageInfo;
}

export interface ReadDicomOptions {
  /** Default true: see the module comment. */
  readonly invertMonochrome1?: boolean;
}

function checkFrame(frame: number, numberOfFrames: number): void {
  if (!Number.isInteger(frame) || frame < 0 || frame >= numberOfFrames) {
    throw imageError(
      `frame ${frame} is out of range: the image has ${numberOfFrames} frame${numberOfFrames === 1 ? '' : 's'} ` +
        `(0-based, 0 to ${numberOfFrames - 1})`,
    );
  }
}

function invertInPlace(values: IntegerArray, lo: number, hi: number): void {
  for (let i = 0; i < values.length; i++) values[i] = lo + hi - values[i];
}

/** Header facts only (no pixel decoding), e.g. to sort a series before reading one frame. */
export function readDicomInfo(bytes: Uint8Array, frame = 0): DicomImageInfo {
  return describe(parseDicom(bytes), frame).info;
}

const COLOUR_MODELS = ['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT'];

function describe(parsed: ParsedDicom, frame: number): { info: DicomImageInfo; pixel: PixelModule; items: unknown[] } {
  const { dataset } = parsed;
  const items = requirePixelData(dataset);
  const pixel = readPixelModule(dataset);
  const photometric = pixel.photometricInterpretation;
  if (pixel.samplesPerPixel === 1 ? !photometric.startsWith('MONOCHROME') : !COLOUR_MODELS.includes(photometric)) {
    throw imageError(
      `Photometric Interpretation ${photometric} with ${pixel.samplesPerPixel} sample(s) per pixel is not supported`,
    );
  }
  checkFrame(frame, pixel.numberOfFrames);
  const info = readImageInfo(dataset, pixel, describeTransferSyntax(parsed.transferSyntaxUID), frame);
  return { info, pixel, items };
}

export function readDicomImage(bytes: Uint8Array, frame = 0, options: ReadDicomOptions = {}): DicomSourceImage {
  const parsed = parseDicom(bytes);
  const described = describe(parsed, frame);
  const { pixel, items } = described;
  let { info } = described;
  const syntax = describeTransferSyntax(parsed.transferSyntaxUID);
  if (syntax.encoding === 'unsupported') {
    throw imageError(`unsupported transfer syntax ${syntax.uid} (${syntax.name})`);
  }
  const values = decodeFrame({ items, pixel, encoding: syntax.encoding, pixelDataVr: parsed.pixelDataVr }, frame);
  const { slope, intercept } = readRescale(parsed.dataset, frame);

  if (pixel.photometricInterpretation === 'MONOCHROME1' && options.invertMonochrome1 !== false) {
    const [lo, hi] = storedRange(pixel);
    invertInPlace(values, lo, hi);
    const mirror = (m: number) => slope * (lo + hi) + 2 * intercept - m;
    const windowCenter = info.windowCenter === undefined ? undefined : mirror(info.windowCenter);
    info = { ...info, inverted: true, windowCenter };
  }

  return {
    rows: pixel.rows,
    columns: pixel.columns,
    samplesPerPixel: pixel.samplesPerPixel,
    pixels: values,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    modality: info.modality,
    pixelSpacing: info.pixelSpacing,
    dicom: info,
  };
}
