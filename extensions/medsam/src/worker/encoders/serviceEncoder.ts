import { prepareImage, type ModelManifest } from '@medsam-ohif/core';
import { oipEncoder, type OipImageEncoder } from '@medsam-ohif/core/src/runtimes/oipClient';
import type { ServiceSettings } from '../protocol';
import type { EmbeddingProducer } from './types';

const now = () => performance.now();

/**
 * The manifest as the service path uses it: the same model, its image prepared in the compact uint8 form
 * that a wrapped encoder (models/export/wrap_uint8_encoder.py, Triton) takes. Only the preparation differs;
 * the service holds the encoder itself, so the browser never needs the wrapped file or its hash.
 */
export function compactManifest(manifest: ModelManifest): ModelManifest {
  if (manifest.encoder.inputFormat === 'uint8-hw') return manifest;
  return { ...manifest, encoder: { ...manifest.encoder, inputFormat: 'uint8-hw' } };
}

export interface ServiceProducer extends EmbeddingProducer {
  readonly url: string;
  checkReady(signal?: AbortSignal): Promise<void>;
  /** The protocol client itself and the manifest it prepares images with (the service decoder's encodeKept uses them). */
  readonly client?: OipImageEncoder;
  readonly compact?: ModelManifest;
}

/** Embeddings from an Open Inference Protocol v2 service (our embedding server, Triton, KServe). */
export function serviceProducer(manifest: ModelManifest, settings: ServiceSettings, make: typeof oipEncoder = oipEncoder): ServiceProducer {
  const compact = compactManifest(manifest);
  const client: OipImageEncoder = make(
    {
      url: settings.url,
      ...(settings.model ? { model: settings.model } : {}),
      ...(settings.token ? { token: settings.token } : {}),
      output: settings.datatype,
      timeoutMs: settings.timeoutMs,
    },
    compact,
  );
  return {
    source: 'service',
    url: settings.url,
    client,
    compact,
    checkReady: (signal) => client.checkReady(signal),
    async embed(image, normalization, signal, report) {
      report({ kind: 'stage', stage: 'normalize' });
      const prepared = prepareImage(image, compact, normalization);
      report({ kind: 'stage', stage: 'encode' });
      const t0 = now();
      const embedding = await client.encode(prepared, signal);
      return {
        embedding,
        prepared: { rows: prepared.rows, columns: prepared.columns, transform: prepared.transform },
        normalization: prepared.normalization,
        timings: { ...prepared.timings, encode: now() - t0 },
        source: 'service',
      };
    },
  };
}
