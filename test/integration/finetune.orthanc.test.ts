// `medsam dataset --dicomweb` against a real PACS (Debian's Orthanc + its DICOMweb plugin, private port and
// storage): QIDO-RS finds the SEG series, WADO-RS brings the SEGs and their source series. The dataset must be
// the one the same files give from a folder, byte for byte.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, TEST_MODEL } from '../support/cli';
import { BODY_SEG, makePhantomStudies, ORGAN_SEG, writePhantomSeg } from '../support/finetunePhantoms';
import { ORTHANC, ORTHANC_DICOMWEB_PLUGIN as PLUGIN, startPrivateOrthanc, type PrivateOrthanc } from '../support/privateOrthanc';

const work = tempDir('medsam-finetune-orthanc-');
let orthanc: PrivateOrthanc | undefined;
let url: string;

beforeAll(async () => {
  orthanc = await startPrivateOrthanc(work, 'medsam-finetune-test');
  url = orthanc.dicomweb;
  const folder = join(work, 'pacs');
  for (const study of makePhantomStudies(folder, [41, 42], [20])) {
    writePhantomSeg(folder, study, BODY_SEG, 1);
    writePhantomSeg(folder, study, ORGAN_SEG, 2);
  }
  await orthanc.storeFolder(folder);
}, 120_000);

afterAll(async () => {
  await orthanc?.stop();
  rmSync(work, { recursive: true, force: true });
});

it('Orthanc exists (config/system-packages.txt installs it)', () => {
  expect(existsSync(ORTHANC) && existsSync(PLUGIN)).toBe(true);
});

it('the dataset from the PACS equals the one from the folder, file for file', () => {
  const common = ['dataset', '--model', TEST_MODEL, '--validation-patients', 'PHANTOM-42', '--json', '--quiet'];
  const fromPacs = runCli([...common, '--dicomweb', url, '--out', join(work, 'from-pacs')]);
  expect(fromPacs.stderr).toBe('');
  expect(fromPacs.status).toBe(0);
  const fromFolder = runCli([...common, '--folder', join(work, 'pacs'), '--out', join(work, 'from-folder')]);
  expect(fromFolder.status).toBe(0);
  const pacs = JSON.parse(readFileSync(join(work, 'from-pacs', 'dataset.json'), 'utf8'));
  const folder = JSON.parse(readFileSync(join(work, 'from-folder', 'dataset.json'), 'utf8'));
  expect(pacs.source).toBe(`DICOMweb ${url}`);
  expect(pacs.cases).toHaveLength(8); // 2 patients × (BODY + liver + spleen + left kidney)
  const key = (c: { id: string }) => c.id;
  const strip = (cases: { id: string; sha256: string; file: string; split: string; patientId: string }[]) =>
    cases.map(({ id, sha256, file, split, patientId }) => ({ id, sha256, file, split, patientId })).sort((a, b) => (key(a) < key(b) ? -1 : 1));
  expect(strip(pacs.cases)).toEqual(strip(folder.cases));
  expect(pacs.split).toEqual(folder.split);
}, 300_000);

it('a date filter is applied on the PACS side too', () => {
  // phantom_study.py dates the study 2024-01-01 + seed days: PHANTOM-41 → 20240211, PHANTOM-42 → 20240212.
  const r = runCli(['dataset', '--model', TEST_MODEL, '--dicomweb', url, '--from', '20240212', '--to', '20240212', '--out', join(work, 'dated'), '--json', '--quiet']);
  expect(r.status).toBe(0);
  const cases = JSON.parse(readFileSync(join(work, 'dated', 'dataset.json'), 'utf8')).cases as { patientId: string }[];
  expect(new Set(cases.map((c) => c.patientId))).toEqual(new Set(['PHANTOM-42']));
}, 300_000);
