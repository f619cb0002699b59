import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// DICOM-SEG encoding must stay a pure function the OHIF glue calls: it may use dcmjs, the core's dcmjs log
// silencer, normalisation record and model-file record, and nothing of the viewer, the browser or Node.
const ALLOWED = /^(\.\/|dcmjs$|@medsam-ohif\/core\/src\/pipeline\/(normalize|modelFile)$|@medsam-ohif\/core\/src\/io\/dcmjsQuiet$)/;

const files = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

it('finds the SEG sources', () => expect(files.length).toBeGreaterThan(10));

it.each(files)('%s imports only dcmjs, the core normalisation and model-file types and its own modules', (file) => {
  const imported = [...readFileSync(join(__dirname, file), 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  expect(imported.filter((m) => !ALLOWED.test(m))).toEqual([]);
});
