import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MedSamError } from '../pipeline/errors';
import { FIXTURES, PYDICOM_FILES } from './ioReference.testutil';
import { readImageFile, readImageBytes } from './readImageFile';

const CT_SMALL = join(PYDICOM_FILES, 'CT_small.dcm');
const CH2 = '/usr/share/mricron/templates/ch2.nii.gz';

async function failure(path: string, options = {}): Promise<MedSamError> {
  try {
    await readImageFile(path, options);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(MedSamError);
    expect((thrown as MedSamError).code).toBe('BAD_IMAGE');
    return thrown as MedSamError;
  }
  throw new Error(`expected ${path} to fail`);
}

describe('readImageFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'medsam-io-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('recognises DICOM, NIfTI (gzipped or not) and PNG by content, whatever the name', async () => {
    const copy = join(dir, 'ct-without-extension');
    writeFileSync(copy, readFileSync(CT_SMALL));
    const dicom = await readImageFile(copy);
    expect(dicom.format).toBe('dicom');
    expect(dicom.format === 'dicom' && dicom.image.dicom.modality).toBe('CT');
    const nifti = await readImageFile(CH2, { slice: 10 });
    expect(nifti.format).toBe('nifti');
    expect(nifti.format === 'nifti' && nifti.image.nifti.slice).toBe(10);
    expect((await readImageFile(join(FIXTURES, 'nifti/int16.nii'))).format).toBe('nifti');
    expect((await readImageFile(join(FIXTURES, 'png/rgb.png'))).image.samplesPerPixel).toBe(3);
    expect((await readImageFile(join(PYDICOM_FILES, 'SC_rgb_rle_2frame.dcm'), { frame: 1 })).image.rows).toBe(100);
  });

  it('names the file and the problem', async () => {
    const missing = join(dir, 'missing.dcm');
    expect((await failure(missing)).message).toBe(`${missing}: file not found`);
    expect((await failure(dir)).message).toBe(`${dir}: is a directory, not a file`);
    const empty = join(dir, 'empty.dcm');
    writeFileSync(empty, '');
    expect((await failure(empty)).message).toBe(`${empty}: file is empty`);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not an image at all\n');
    expect((await failure(text)).message).toBe(`${text}: unsupported file format: not DICOM, NIfTI (.nii/.nii.gz) or PNG`);
    const gz = join(PYDICOM_FILES, 'zipMR.gz');
    expect((await failure(gz)).message).toBe(`${gz}: gzip file does not contain a NIfTI image`);
    const rtplan = join(PYDICOM_FILES, 'rtplan.dcm');
    expect((await failure(rtplan)).message).toBe(
      `${rtplan}: DICOM object has no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.5, RT Plan Storage)`,
    );
    const rtstruct = join(PYDICOM_FILES, 'rtstruct.dcm'); // a dataset written without the Part 10 header
    expect((await failure(rtstruct)).message).toMatch(/DICOM dataset without the Part 10 header/);
    expect((await failure(CH2, { slice: 500 })).message).toBe(`${CH2}: slice 500 is out of range: the volume has 181 slices (0 to 180)`);
  });

  it('refuses options that do not apply to the format', async () => {
    expect((await failure(CT_SMALL, { slice: 3 })).message).toMatch(/option slice does not apply to a DICOM file/);
    expect((await failure(CH2, { frame: 1 })).message).toMatch(/option frame does not apply to a NIfTI file \(use slice\)/);
  });

  it('decodes bytes already in memory', () => {
    expect(() => readImageBytes(new Uint8Array([1, 2, 3]))).toThrow(/unsupported file format/);
  });
});
