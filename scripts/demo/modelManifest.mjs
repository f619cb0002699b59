// Which model the MedSAM extension loads. MEDSAM_MODEL_MANIFEST is either a URL (same origin, or one that
// sends CORP/CORS headers: the page is cross-origin isolated) or a local manifest file, e.g. the real MedSAM
// export next to its .onnx files; a local file's folder is served at /user-model/ on our origin.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL_MANIFEST_URL } from '../../config/viewer/app-config.mjs';

export const MODEL_MANIFEST_ENV = 'MEDSAM_MODEL_MANIFEST';

/** @returns {{ url: string, mount: { prefix: string, dir: string } | null }} */
export function resolveModelManifest(value = process.env[MODEL_MANIFEST_ENV]) {
  if (!value) return { url: DEFAULT_MODEL_MANIFEST_URL, mount: null };
  const file = path.resolve(value);
  if (fs.existsSync(file) && fs.statSync(file).isFile()) {
    return { url: `/user-model/${encodeURIComponent(path.basename(file))}`, mount: { prefix: '/user-model/', dir: path.dirname(file) } };
  }
  return { url: value, mount: null };
}

/** The local manifest file behind a resolved model (the default test model or a MEDSAM_MODEL_MANIFEST file); null for a URL. */
export function localManifestPath(model, modelsDir) {
  if (model.mount) return path.join(model.mount.dir, decodeURIComponent(model.url.slice(model.mount.prefix.length)));
  if (model.url.startsWith('/models/')) return path.join(modelsDir, decodeURIComponent(model.url.slice('/models/'.length)));
  return null;
}
