// The JSON record of a run: bench/results/<date>-<machine>[-quick].json, written atomically.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A run limited with --only/--skip gets the suites in its name, so it never replaces a complete run. */
export function resultPath(dir, machineSlug, quick, partialSuites, date = new Date()) {
  const partial = partialSuites ? `-only-${partialSuites.join('+')}` : '';
  return path.join(dir, `${date.toISOString().slice(0, 10)}-${machineSlug}${quick ? '-quick' : ''}${partial}.json`);
}

export function writeResult(file, record) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 1)}\n`);
  renameSync(tmp, file);
}
