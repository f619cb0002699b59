// Demo and e2e sample data in .demo/data/ (cached): a synthetic CT phantom series with ground truth, the
// ch2 T1 template as an MR series, and real single images from Debian packages, plus samples.json (every
// file with its UIDs, grouped by study) that seeding and the tests read.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from '../demo/lock.mjs';
import { dataDir as defaultDataDir, isMain, repoRoot } from '../demo/paths.mjs';

// Debian's interpreter: the python3 first on PATH cannot import Debian's numpy/pydicom/nibabel.
export const PYTHON = '/usr/bin/python3';
// The phantom is fixed: seed 7, 40 slices of 256x256 (tests compare against its labels.npy).
export const PHANTOM_SEED = 7;
export const PHANTOM_SHAPE = [40, 256, 256];
export const PHANTOM_GENERATOR = path.join(repoRoot, 'models/testing/phantom.py');
export const CH2_NIFTI = '/usr/share/mricron/templates/ch2.nii.gz';
const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
export const REAL_FILES = [
  `${PYDICOM_FILES}/CT_small.dcm`,
  `${PYDICOM_FILES}/MR_small.dcm`,
  `${PYDICOM_FILES}/693_J2KI.dcm`,
  '/usr/share/doc/dicom3tools/examples/0051.dcm',
];

const here = path.dirname(fileURLToPath(import.meta.url));
const script = (name) => path.join(here, name);

function python(args, opts = {}) {
  return execFileSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

/** A cache key over the inputs that decide a generated series: scripts' text, arguments, source files. */
function inputsKey(files, args) {
  const h = createHash('sha256').update(JSON.stringify(args));
  for (const f of files) {
    const st = fs.statSync(f);
    h.update(f.endsWith('.gz') ? `${f}:${st.size}:${st.mtimeMs}` : fs.readFileSync(f));
  }
  return h.digest('hex');
}

/** Run `build(dir)` into `dir` unless its .inputs stamp already matches `key`. */
function cached(dir, key, build) {
  const stamp = path.join(dir, '.inputs');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === key) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  build(dir);
  fs.writeFileSync(stamp, key); // last: an interrupted build is redone next time
  return true;
}

function prepareCtPhantom(root, log) {
  const writer = [script('volume_to_dicom.py'), script('dicom_series.py')];
  const dir = path.join(root, 'ct-phantom');
  const key = inputsKey([PHANTOM_GENERATOR, ...writer], { seed: PHANTOM_SEED, shape: PHANTOM_SHAPE });
  const built = cached(dir, key, (d) => {
    const phantomDir = path.join(d, 'phantom');
    python([PHANTOM_GENERATOR, '--seed', String(PHANTOM_SEED), '--shape', ...PHANTOM_SHAPE.map(String), '--out', phantomDir]);
    python([writer[0], '--phantom', phantomDir, '--out', d, '--seed', String(PHANTOM_SEED)]);
  });
  if (built) log(`CT phantom series written to ${path.relative(repoRoot, dir)}`);
  return dir;
}

function prepareMrCh2(root, log) {
  const dir = path.join(root, 'mr-ch2');
  const writer = [script('nifti_to_dicom.py'), script('dicom_series.py')];
  const built = cached(dir, inputsKey([...writer, CH2_NIFTI], {}), (d) => {
    python([writer[0], '--nifti', CH2_NIFTI, '--out', d, '--name', 'mr-ch2']);
  });
  if (built) log(`MR ch2 series written to ${path.relative(repoRoot, dir)}`);
  return dir;
}

const dicomFiles = (dir) => fs.readdirSync(path.join(dir, 'dicom')).sort().map((f) => path.join(dir, 'dicom', f));

/**
 * Build what is missing and return the manifest: { studies: [{ studyUid, description, modality,
 * patientName, files: [{ path, patientId, studyUid, seriesUid, sopUid, ... }] }], ctPhantomDir, mrCh2Dir }.
 */
export function prepareSamples({ dataDir = defaultDataDir, log = console.log } = {}) {
  return withLock('samples', () => buildSamples(dataDir, log));
}

function buildSamples(dataDir, log) {
  for (const f of [PHANTOM_GENERATOR, CH2_NIFTI, ...REAL_FILES]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing (packages: python3-pydicom dicom3tools mricron-data)`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const ctPhantomDir = prepareCtPhantom(dataDir, log);
  const mrCh2Dir = prepareMrCh2(dataDir, log);
  const files = [...dicomFiles(ctPhantomDir), ...dicomFiles(mrCh2Dir), ...REAL_FILES];
  const manifestFile = path.join(dataDir, 'samples.json');
  const key = inputsKey([script('describe_dicom.py'), path.join(ctPhantomDir, '.inputs'), path.join(mrCh2Dir, '.inputs')], files);
  if (fs.existsSync(manifestFile)) {
    const cachedManifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (cachedManifest.key === key) return cachedManifest;
  }
  const described = JSON.parse(python([script('describe_dicom.py'), ...files]));
  const studies = new Map();
  for (const f of described) {
    if (!studies.has(f.studyUid)) {
      studies.set(f.studyUid, { studyUid: f.studyUid, description: f.studyDescription, modality: f.modality, patientName: f.patientName, files: [] });
    }
    studies.get(f.studyUid).files.push(f);
  }
  const manifest = { key, ctPhantomDir, mrCh2Dir, studies: [...studies.values()] };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 1));
  return manifest;
}

/** Every file of the manifest, in the shape uploadInstances() takes. */
export const allFiles = (manifest) => manifest.studies.flatMap((s) => s.files);

if (isMain(import.meta.url)) {
  const t0 = Date.now();
  const m = prepareSamples();
  for (const s of m.studies) console.log(`${s.modality.padEnd(3)} ${String(s.files.length).padStart(4)} files  ${s.studyUid}  ${s.description || s.patientName}`);
  console.log(`samples ready in ${Date.now() - t0} ms`);
}
