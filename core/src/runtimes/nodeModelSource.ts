import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ModelFileSource } from '../pipeline/modelLoader';

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Reads model files named relative to a manifest that lives on disk or at an http(s) URL. */
export function nodeModelSource(manifestLocation: string): ModelFileSource {
  return {
    async read(file, onProgress) {
      if (isUrl(file) || isUrl(manifestLocation)) {
        const url = new URL(file, isUrl(manifestLocation) ? manifestLocation : undefined).toString();
        const response = await fetch(url);
        if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        onProgress?.(bytes.length, bytes.length);
        return bytes;
      }
      const path = isAbsolute(file) ? file : resolve(dirname(manifestLocation), file);
      const bytes = new Uint8Array(await readFile(path));
      onProgress?.(bytes.length, bytes.length);
      return bytes;
    },
  };
}

/** Reads and parses a manifest's JSON from disk or http(s). */
export async function readManifestJson(location: string): Promise<unknown> {
  const text = isUrl(location)
    ? await fetch(location).then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status} ${r.statusText} for ${location}`);
        return r.text();
      })
    : await readFile(location, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${location} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
