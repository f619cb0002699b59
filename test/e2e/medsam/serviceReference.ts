// The viewer's "service" computation outside the browser, for an exact comparison: the same core code
// prepares the image in the compact uint8 form, the same embedding service (onnxruntime-node) embeds it
// over the Open Inference Protocol, and the decoder runs on onnxruntime-web's WASM build with the
// browser's thread count. Only the browser itself is left out. onnxruntime-web does not run inside jest's
// VM, so this file is bundled and run as its own node process (referenceRunner.ts).
import fs from 'node:fs';
import { loadModelPart, parseManifest, prepareImage, segmentBox, type Box, type NormalizationSpec } from '@medsam-ohif/core';
import { loadCliImage } from '@medsam-ohif/core/src/cli/loadImage';
import { createNodeBackend } from '@medsam-ohif/core/src/runtimes/backendChoice';
import { nodeModelSource } from '@medsam-ohif/core/src/runtimes/nodeModelSource';
import { oipEncoder } from '@medsam-ohif/core/src/runtimes/oipClient';
import { compactManifest } from '../../../extensions/medsam/src/worker/encoders/serviceEncoder';

export interface ServiceReferenceOptions {
  readonly serviceUrl: string;
  /** The manifest the viewer loads (float encoder): its decoder and preparation. */
  readonly model: string;
  readonly image: string;
  readonly box: Box;
  readonly threads: number;
  readonly datatype: 'FP16' | 'FP32';
  readonly normalization?: NormalizationSpec;
}

export interface ServiceReference {
  readonly mask: Uint8Array;
  readonly rows: number;
  readonly columns: number;
}

export async function serviceReference(o: ServiceReferenceOptions): Promise<ServiceReference> {
  const manifest = parseManifest(JSON.parse(fs.readFileSync(o.model, 'utf8')));
  const { image } = await loadCliImage(o.image, {});
  const compact = compactManifest(manifest);
  const prepared = prepareImage(image, compact, o.normalization ?? { kind: 'auto' });
  const embedding = await oipEncoder({ url: o.serviceUrl, output: o.datatype }, compact).encode(prepared);
  const backend = await createNodeBackend('wasm', o.threads);
  const decoder = await loadModelPart(manifest, 'decoder', nodeModelSource(o.model), backend);
  try {
    const result = await segmentBox(decoder, manifest, embedding, prepared, o.box);
    return { mask: result.mask.data, rows: result.mask.rows, columns: result.mask.columns };
  } finally {
    await decoder.release();
  }
}

// As a process: options as JSON in argv[2]; the mask as JSON ({ rows, columns, ones: [indices] }) on stdout.
if (require.main === module) {
  serviceReference(JSON.parse(process.argv[2]) as ServiceReferenceOptions).then(
    (r) => process.stdout.write(JSON.stringify({ rows: r.rows, columns: r.columns, ones: [...r.mask.keys()].filter((i) => r.mask[i]) })),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
