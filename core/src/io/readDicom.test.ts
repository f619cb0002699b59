import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedSamError } from '../pipeline/errors';
import { arrayNameOf, caseFile, measure, PYDICOM_FILES, referenceCases, type ReferenceCase } from './ioReference.testutil';
import { readDicomImage, readDicomInfo } from './readDicom';

const dicomCases = Object.entries(referenceCases()).filter(([, ref]) => ref.transferSyntaxUID !== undefined);
const pydicomFile = (name: string) => readFileSync(join(PYDICOM_FILES, name));

function errorOf(fn: () => unknown): MedSamError {
  try {
    fn();
  } catch (thrown) {
    if (thrown instanceof MedSamError) return thrown;
    throw thrown;
  }
  throw new Error('expected an error');
}

describe('readDicomImage against pydicom 2.3 (test/fixtures/io/io_reference.json)', () => {
  it('covers every transfer syntax the reader claims', () => {
    const syntaxes = new Set(dicomCases.map(([, ref]) => ref.transferSyntaxUID));
    for (const uid of ['1.2', '1.2.1', '1.2.1.99', '1.2.2', '1.2.5', '1.2.4.50', '1.2.4.80', '1.2.4.90', '1.2.4.91']) {
      expect(syntaxes).toContain(`1.2.840.10008.${uid}`);
    }
  });

  it.each(dicomCases)('%s', (_name, ref: ReferenceCase) => {
    const image = readDicomImage(readFileSync(caseFile(ref)), ref.frame);
    expect([image.rows, image.columns, image.samplesPerPixel]).toEqual([ref.rows, ref.columns, ref.samplesPerPixel]);
    expect(image.pixels.constructor.name).toBe(arrayNameOf(ref.dtype));
    expect(image.pixels.length).toBe(ref.rows * ref.columns * ref.samplesPerPixel);
    const got = measure(image, ref);
    if (ref.tolerance === 0) {
      // lossless, or lossy with the same decoder arithmetic: identical values
      expect(got).toEqual({ sum: ref.sum, min: ref.min, max: ref.max, sha256: ref.sha256, gridMaxDiff: 0 });
    } else {
      expect(got.gridMaxDiff).toBeLessThanOrEqual(ref.tolerance);
    }
    expect(image.rescaleSlope).toBe(ref.rescaleSlope);
    expect(image.rescaleIntercept).toBe(ref.rescaleIntercept);
    expect(image.modality).toBe(ref.modality || 'OT');
    expect(image.pixelSpacing ?? null).toEqual(ref.pixelSpacing);
    const { dicom } = image;
    expect(dicom.sopInstanceUID).toBe(ref.sopInstanceUID);
    expect(dicom.seriesInstanceUID ?? null).toBe(ref.seriesInstanceUID);
    expect(dicom.transferSyntaxUID).toBe(ref.transferSyntaxUID);
    expect(dicom.photometricInterpretation).toBe(ref.photometricInterpretation);
    expect(dicom.numberOfFrames).toBe(ref.numberOfFrames);
    expect(dicom.frame).toBe(ref.frame);
    expect(dicom.windowCenter ?? null).toBe(ref.windowCenter);
    expect(dicom.windowWidth ?? null).toBe(ref.windowWidth);
    expect(dicom.imagePositionPatient ?? null).toEqual(ref.imagePositionPatient);
    expect(dicom.imageOrientationPatient ?? null).toEqual(ref.imageOrientationPatient);
    expect(dicom.inverted).toBe(false);
  });
});

describe('readDicomImage details', () => {
  it('reads the header without decoding (readDicomInfo)', () => {
    const info = readDicomInfo(pydicomFile('693_J2KI.dcm'));
    expect(info).toMatchObject({ rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 14, pixelRepresentation: 1 });
    expect(info.transferSyntaxName).toBe('JPEG 2000');
  });

  it('selects frames of a multi-frame object and refuses out-of-range frames', () => {
    const bytes = pydicomFile('SC_rgb_rle_2frame.dcm');
    const [f0, f1] = [readDicomImage(bytes, 0), readDicomImage(bytes, 1)];
    expect(f0.pixels).not.toEqual(f1.pixels);
    expect(errorOf(() => readDicomImage(bytes, 2)).message).toBe(
      'frame 2 is out of range: the image has 2 frames (0-based, 0 to 1)',
    );
    expect(errorOf(() => readDicomImage(bytes, -1)).message).toMatch(/frame -1 is out of range/);
    expect(errorOf(() => readDicomImage(pydicomFile('CT_small.dcm'), 1)).message).toMatch(/has 1 frame \(/);
  });

  it('inverts MONOCHROME1 so that bright means high, mirroring the window centre', () => {
    // MR_small with its Photometric Interpretation patched to MONOCHROME1 (same length, same file layout)
    const bytes = pydicomFile('MR_small.dcm');
    const text = Buffer.from(bytes);
    const at = text.indexOf('MONOCHROME2');
    expect(at).toBeGreaterThan(0);
    text.write('MONOCHROME1', at, 'latin1');
    const original = readDicomImage(bytes);
    const inverted = readDicomImage(text);
    expect(inverted.dicom.inverted).toBe(true);
    expect(inverted.dicom.photometricInterpretation).toBe('MONOCHROME1');
    // signed 16 bits stored: range [-32768, 32767], so v' = -1 - v
    for (const i of [0, 100, 2080, 4095]) expect(inverted.pixels[i]).toBe(-1 - original.pixels[i]);
    expect(inverted.dicom.windowCenter).toBe(-1 - 600);
    expect(inverted.dicom.windowWidth).toBe(1600);
    const asStored = readDicomImage(text, 0, { invertMonochrome1: false });
    expect(asStored.pixels).toEqual(original.pixels);
    expect(asStored.dicom.inverted).toBe(false);
  });

  it('refuses photometric interpretations it would misread (e.g. palette colour)', () => {
    const text = Buffer.from(pydicomFile('MR_small.dcm'));
    text.write('HSV        ', text.indexOf('MONOCHROME2'), 'latin1'); // same value length, padded with spaces
    expect(errorOf(() => readDicomImage(text)).message).toBe(
      'Photometric Interpretation HSV with 1 sample(s) per pixel is not supported',
    );
  });

  it('handles Bits Stored < Bits Allocated: 12-bit unsigned (0051.dcm) stays in range', () => {
    const image = readDicomImage(readFileSync('/usr/share/doc/dicom3tools/examples/0051.dcm'));
    expect(image.dicom.bitsStored).toBe(12);
    expect(Array.from(image.pixels).reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(4096);
  });
});

describe('readDicomImage errors', () => {
  it.each([
    ['README.txt', 'not a DICOM file (no "DICM" marker after the 128-byte preamble)'],
    ['no_meta.dcm', 'not a DICOM file (no "DICM" marker after the 128-byte preamble)'],
    ['rtplan.dcm', 'DICOM object has no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.5, RT Plan Storage)'],
    ['test-SR.dcm', 'DICOM object has no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.88.33, Comprehensive SR Storage)'],
    ['waveform_ecg.dcm', 'DICOM object has no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.9.1.1, 12-lead ECG Waveform Storage)'],
    ['JPEG-lossy.dcm', 'unsupported transfer syntax 1.2.840.10008.1.2.4.51 (JPEG Extended (Process 2 & 4))'],
    ['SC_rgb_jpeg_gdcm.dcm', 'unsupported transfer syntax 1.2.840.10008.1.2.4.70 (JPEG Lossless, First-Order Prediction (Process 14 SV1))'],
    ['MR_truncated.dcm', 'pixel data is truncated: frame 0 needs bytes up to 8192, the file has 8130'],
    ['meta_missing_tsyntax.dcm', 'DICOM file meta information has no Transfer Syntax UID (0002,0010)'],
  ])('%s', (file, message) => {
    const error = errorOf(() => readDicomImage(pydicomFile(file)));
    expect(error.code).toBe('BAD_IMAGE');
    expect(error.message).toBe(message);
  });

  it('names a truncated dataset', () => {
    expect(errorOf(() => readDicomImage(pydicomFile('rtplan_truncated.dcm'))).message).toMatch(/^DICOM file is truncated or corrupt: /);
    expect(errorOf(() => readDicomImage(pydicomFile('CT_small.dcm').subarray(0, 2000))).message).toMatch(
      /^DICOM file is truncated or corrupt: /,
    );
  });

  it('reports a corrupt JPEG 2000 codestream with OpenJPEG\'s own words', () => {
    const message = errorOf(() => readDicomImage(pydicomFile('JPEG2000-embedded-sequence-delimiter.dcm'))).message;
    expect(message).toMatch(/^JPEG 2000 \(OpenJPEG\) decoding failed: .*\[ERROR\]/);
    const j2k = pydicomFile('693_J2KI.dcm');
    expect(errorOf(() => readDicomImage(j2k.subarray(0, j2k.length - 300))).message).toMatch(/decoding failed/);
  });
});
