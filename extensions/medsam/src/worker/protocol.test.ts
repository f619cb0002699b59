import { MedSamError } from '@medsam-ohif/core';
import { isWorkerRequest, isWorkerResponse, toWireError, transferablesOf, type WorkerRequest, type WorkerResponse } from './protocol';

const image = { rows: 1, columns: 2, samplesPerPixel: 1 as const, pixels: new Int16Array([1, 2]), rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' };

describe('worker protocol', () => {
  it('recognises requests and responses and nothing else', () => {
    expect(isWorkerRequest({ type: 'clearCache', id: 3 })).toBe(true);
    expect(isWorkerRequest({ type: 'clearCache', id: 1.5 })).toBe(false);
    expect(isWorkerRequest({ type: 'loaded', id: 1 })).toBe(false);
    expect(isWorkerRequest(null)).toBe(false);
    expect(isWorkerResponse({ type: 'progress', id: 1, progress: { kind: 'stage', stage: 'encode' } })).toBe(true);
    expect(isWorkerResponse({ type: 'segment', id: 1 })).toBe(false);
    expect(isWorkerResponse('error')).toBe(false);
  });

  it('keeps the core error codes across the worker boundary', () => {
    expect(toWireError(new MedSamError('BAD_BOX', 'outside'))).toEqual({ code: 'BAD_BOX', message: 'outside' });
    expect(toWireError(new TypeError('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toWireError('text')).toEqual({ code: 'INTERNAL', message: 'text' });
  });

  it('moves the pixels in and the mask out instead of copying them', () => {
    const request: WorkerRequest = { type: 'segment', id: 1, request: { image, imageRef: { imageId: 'x' }, normalization: { kind: 'auto' }, box: { x0: 0, y0: 0, x1: 1, y1: 1 } } };
    expect(transferablesOf(request)).toEqual([image.pixels.buffer]);
    const mask = new Uint8Array(4);
    const response = { type: 'segmented', id: 1, result: { mask } } as unknown as WorkerResponse;
    expect(transferablesOf(response)).toEqual([mask.buffer]);
    expect(transferablesOf({ type: 'cleared', id: 2 })).toEqual([]);
  });

  it('messages survive structured cloning', () => {
    const request: WorkerRequest = { type: 'segment', id: 7, request: { image, imageRef: { imageId: 'wadors:x', sopInstanceUid: '1.2', frame: 1 }, normalization: { kind: 'percentile', bounds: { lower: 1, upper: 9 } }, box: { x0: 0.5, y0: 0, x1: 1, y1: 1 } } };
    const copy = structuredClone(request);
    expect(isWorkerRequest(copy)).toBe(true);
    expect(JSON.stringify({ ...copy, request: { ...copy.request, image: { ...copy.request.image, pixels: Array.from(copy.request.image.pixels) } } })).toBe(
      JSON.stringify({ ...request, request: { ...request.request, image: { ...image, pixels: [1, 2] } } }),
    );
  });
});
