import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { encodeBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { HttpError } from '../http/httpError';
import { servedModel, type ServedModel } from '../models/servedModel';
import { parseInferRequest } from './parseInferRequest';

const manifest = parseManifest(JSON.parse(readFileSync(join(__dirname, '../../test-models/manifest-u8.json'), 'utf8')));
// The same model with a 2×3 input keeps the JSON cases readable.
const model: ServedModel = { ...servedModel(manifest, 'x'), input: { name: 'image_u8', shape: [2, 3] } };

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const input = (extra: object) => ({ name: 'image_u8', shape: [2, 3], datatype: 'UINT8', ...extra });

function error(f: () => unknown): HttpError {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('parseInferRequest', () => {
  it('reads JSON data, flat or nested, with default outputs', () => {
    const call = parseInferRequest(json({ id: 'r1', inputs: [input({ data: [[1, 2, 3], [4, 5, 255]] })] }), undefined, model);
    expect([...call.image]).toEqual([1, 2, 3, 4, 5, 255]);
    expect(call).toMatchObject({ id: 'r1', outputs: [{ name: 'image_embeddings', binary: false, datatype: 'FP32' }] });
  });

  it('reads binary data and the output choices', () => {
    const header = {
      parameters: { binary_data_output: true, output_datatype: 'FP16' },
      inputs: [input({ parameters: { binary_data_size: 6 } })],
    };
    const { body, headerLength } = encodeBody(header, [Uint8Array.of(9, 8, 7, 6, 5, 4)]);
    const call = parseInferRequest(body, String(headerLength), model);
    expect([...call.image]).toEqual([9, 8, 7, 6, 5, 4]);
    expect(call.outputs).toEqual([{ name: 'image_embeddings', binary: true, datatype: 'FP16' }]);
    const perOutput = { ...header, outputs: [{ name: 'image_embeddings', parameters: { binary_data: true, datatype: 'FP32' } }] };
    const b2 = encodeBody(perOutput, [new Uint8Array(6)]);
    expect(parseInferRequest(b2.body, String(b2.headerLength), model).outputs[0].datatype).toBe('FP32');
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{"inputs": ['), /not valid JSON/],
    ['empty', new Uint8Array(0), /body is empty/],
    ['no inputs', json({}), /"inputs" must be a non-empty list/],
    ['wrong input name', json({ inputs: [{ ...input({ data: [] }), name: 'x' }] }), /has no input "x"; it takes image_u8 UINT8 \[2, 3\]/],
    ['wrong datatype', json({ inputs: [input({ datatype: 'FP32', data: [] })] }), /datatype "FP32"/],
    ['wrong shape', json({ inputs: [input({ shape: [3, 2], data: [] })] }), /shape \[3, 2\]/],
    ['too few values', json({ inputs: [input({ data: [1, 2] })] }), /has 2 values; shape \[2, 3\] needs 6/],
    ['out of range', json({ inputs: [input({ data: [1, 2, 3, 4, 5, 256] })] }), /value 5 is 256/],
    ['not integers', json({ inputs: [input({ data: [1, 2, 3, 4, 5, 0.5] })] }), /value 5 is 0.5/],
    ['too deep', json({ inputs: [input({ data: [[[1, 2, 3]], [[4, 5, 6]]] })] }), /has 2 values|value 0 is/],
    ['two inputs', json({ inputs: [input({ data: [] }), input({ data: [] })] }), /exactly one input/],
    ['unknown output', json({ inputs: [input({ data: [1, 2, 3, 4, 5, 6] })], outputs: [{ name: 'masks' }] }), /no output "masks"/],
    ['FP16 as JSON', json({ inputs: [input({ data: [1, 2, 3, 4, 5, 6] })], parameters: { output_datatype: 'FP16' } }), /FP16 needs the binary/],
    ['bad datatype param', json({ inputs: [input({ data: [1, 2, 3, 4, 5, 6] })], parameters: { output_datatype: 'INT8' } }), /"FP32" or "FP16"/],
    ['binary without header', json({ inputs: [input({ parameters: { binary_data_size: 6 } })] }), /Inference-Header-Content-Length header is missing/],
    ['id not a string', json({ id: 5, inputs: [input({ data: [1, 2, 3, 4, 5, 6] })] }), /"id" must be a string/],
  ])('refuses %s with a 400 that says why', (_, body, message) => {
    const e = error(() => parseInferRequest(body, undefined, model));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(message);
  });

  it('refuses binary sizes and header lengths that lie', () => {
    const header = { inputs: [input({ parameters: { binary_data_size: 6 } })] };
    const { body, headerLength } = encodeBody(header, [new Uint8Array(6)]);
    expect(error(() => parseInferRequest(body, String(headerLength! + 3), model)).message).toMatch(/not valid JSON|add up to/);
    expect(error(() => parseInferRequest(body, String(body.byteLength + 1), model)).message).toMatch(/whole body has only/);
    expect(error(() => parseInferRequest(body.subarray(0, body.byteLength - 1), String(headerLength), model)).message).toMatch(/add up to 6 bytes, but 5/);
    const wrongSize = encodeBody({ inputs: [input({ parameters: { binary_data_size: 5 } })] }, [new Uint8Array(5)]);
    expect(error(() => parseInferRequest(wrongSize.body, String(wrongSize.headerLength), model)).message).toMatch(/declares 5 bytes.*is 6 bytes/);
  });

  it('takes a LiteMedSAM image at its own size (longest side S, before padding) and refuses other sizes', () => {
    // A 256-profile model with a small S: the wire image is the resized image, e.g. 4×3 or 2×4 for S = 4.
    const lite: ServedModel = servedModel(parseManifest({ ...JSON.parse(JSON.stringify(manifest)), profile: 'litemedsam-longest-256', inputSize: 4 }), 'x');
    expect(lite.input.shape).toEqual([-1, -1]);
    const at = (shape: number[]) => json({ inputs: [{ name: lite.input.name, shape, datatype: 'UINT8', data: new Array(shape.reduce((a, b) => a * b, 1)).fill(7) }] });
    const portrait = parseInferRequest(at([4, 3]), undefined, lite);
    expect([portrait.dims, portrait.image.length]).toEqual([[4, 3], 12]);
    const { body, headerLength } = encodeBody({ inputs: [{ name: lite.input.name, shape: [2, 4], datatype: 'UINT8', parameters: { binary_data_size: 8 } }] }, [new Uint8Array(8)]);
    expect(parseInferRequest(body, String(headerLength), lite).dims).toEqual([2, 4]);
    for (const shape of [[3, 3], [5, 2], [4, 0], [4]]) {
      const e = error(() => parseInferRequest(at(shape), undefined, lite));
      expect([e.status, e.message]).toEqual([400, expect.stringMatching(/has shape .*longest side 4|2-D with positive sides/)]);
    }
  });
});
