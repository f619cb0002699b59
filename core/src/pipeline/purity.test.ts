import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The core must run unchanged in browsers, workers, the service and the CLI: no OHIF, cornerstone,
// DOM or runtime imports, and no Node built-ins outside tests.
const FORBIDDEN = /from\s+['"](@ohif\/|@cornerstonejs\/|onnxruntime|react|node:|fs|path|crypto|zlib)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

describe('core pipeline purity', () => {
  const files = sources(__dirname);

  it('finds the pipeline sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s imports no platform, UI or runtime module', (file) => {
    const offending = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => FORBIDDEN.test(line));
    expect(offending).toEqual([]);
  });
});
