import type { ServerResponse } from 'node:http';
import type { OipServerMetadata } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { BINARY_TENSOR_DATA_EXTENSION, EMBEDDING_CACHE_EXTENSION, OUTPUT_DATATYPE_EXTENSION } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { HttpError } from './http/httpError';
import { sendEmpty, sendJson } from './http/respond';
import { decoderMetadata, isDecoder, type ServedDecoder } from './models/servedDecoder';
import { modelMetadata, type ServedModel } from './models/servedModel';

export const SERVER_NAME = 'medsam-ohif-embedding-server';
export const SERVER_VERSION = '0.1.0';

/** `embeddingCache`: the embeddings are kept and the decoders served (the medsam_embedding_cache extension). */
export function serverMetadata(res: ServerResponse, embeddingCache = false): void {
  const extensions = [BINARY_TENSOR_DATA_EXTENSION, OUTPUT_DATATYPE_EXTENSION, ...(embeddingCache ? [EMBEDDING_CACHE_EXTENSION] : [])];
  const body: OipServerMetadata = { name: SERVER_NAME, version: SERVER_VERSION, extensions };
  sendJson(res, 200, body);
}

/** The protocol answers health with the status alone and an empty body: 200 for yes, a 4xx for no. */
export function health(res: ServerResponse, yes: boolean): void {
  sendEmpty(res, yes ? 200 : 400);
}

/** Resolves a model (and version) among the configured ones; anything else is a 404. */
export function findModel(models: ReadonlyMap<string, ServedModel | ServedDecoder>, name: string, version: string | undefined): ServedModel | ServedDecoder {
  const model = models.get(name);
  if (!model) throw new HttpError(404, `unknown model "${name}"; this service serves: ${[...models.keys()].join(', ')}`);
  if (version !== undefined && version !== model.version) {
    throw new HttpError(404, `model "${name}" has no version "${version}"; it has version "${model.version}"`);
  }
  return model;
}

export function modelMetadataResponse(res: ServerResponse, model: ServedModel | ServedDecoder): void {
  sendJson(res, 200, isDecoder(model) ? decoderMetadata(model) : modelMetadata(model));
}
