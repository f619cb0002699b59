import { MedSamError, parseManifest } from '@medsam-ohif/core';
import { readManifestJson } from '@medsam-ohif/core/src/runtimes/nodeModelSource';
import { isValidName } from './names';
import { servedModel, type ServedModel } from './servedModel';

/** Reads and checks every --model manifest; names must be URL-safe and unique. */
export async function loadManifests(locations: readonly string[]): Promise<ServedModel[]> {
  const models: ServedModel[] = [];
  for (const location of locations) {
    let json: unknown;
    try {
      json = await readManifestJson(location);
    } catch (e) {
      throw new MedSamError('MODEL_UNAVAILABLE', `cannot read model manifest ${location}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const manifest = parseManifest(json);
    if (!isValidName(manifest.name) || !isValidName(manifest.version)) {
      throw new MedSamError(
        'BAD_MANIFEST',
        `model manifest ${location}: name "${manifest.name}" and version "${manifest.version}" must be letters, digits, "_", "-" or "." (not first), at most 128 characters, to be served`,
      );
    }
    if (models.some((m) => m.name === manifest.name)) {
      throw new MedSamError('BAD_MANIFEST', `two --model manifests are named "${manifest.name}"; model names must be unique`);
    }
    models.push(servedModel(manifest, location));
  }
  return models;
}
