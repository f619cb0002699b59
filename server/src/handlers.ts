import type { ServerResponse } from 'node:http';
import type { OipServerMetadata } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { BINARY_TENSOR_DATA_EXTENSION, OUTPUT_DATATYPE_EXTENSION } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { HttpError } from './http/httpError';
import { sendEmpty, sendJson } from './http/respond';
import { modelMetadata, type ServedModel } from './models/servedModel';

export const SERVER_NAME = 'medsam-ohif-embedding-server';
export const SERVER_VERSION = '0.1.0';

export function serverMetadata(res: ServerResponse): void {
  const body: OipServerMetadata = { name: SERVER_NAME, version: SERVER_VERSION, extensions: [BINARY_TENSOR_DATA_EXTENSION, OUTPUT_DATATYPE_EXTENSION] };
  sendJson(res, 200, body);
}

/** The protocol answers health with the status alone and an empty body: 200 for yes, a 4xx for no. */
export function health(res: ServerResponse, yes: boolean): void {
  sendEmpty(res, yes ? 200 : 400);
}

/** Resolves a model (and version) among the configured ones; anything else is a 404. */
export function findModel(models: ReadonlyMap<string, ServedModel>, name: string, version: string | undefined): ServedModel {
  const model = models.get(name);
  if (!model) throw new HttpError(404, `unknown model "${name}"; this service serves: ${[...models.keys()].join(', ')}`);
  if (version !== undefined && version !== model.version) {
    throw new HttpError(404, `model "${name}" has no version "${version}"; it has version "${model.version}"`);
  }
  return model;
}

export function modelMetadataResponse(res: ServerResponse, model: ServedModel): void {
  sendJson(res, 200, modelMetadata(model));
}
