import type { FileRun } from '@medsam-ohif/core';
import type { DecoderRun } from '../seg';
import type { DecoderSource } from '../worker/protocol';

/**
 * What a saved SEG records about the decoder behind a result (one 2D box, or the slices of a 3D run): the files
 * the browser ran where it decoded, and whether the embedding service decoded. Undefined where the worker said
 * neither (a result from before the worker reported it).
 */
export function decoderRunOf(where: Iterable<DecoderSource | undefined>, browserFiles: readonly FileRun[] | undefined): DecoderRun | undefined {
  const service = [...where].includes('service');
  if (!service && !browserFiles?.length) return undefined;
  return { ...(browserFiles?.length ? { browserFiles } : {}), ...(service ? { service: true } : {}) };
}
