import { MedSamError } from '@medsam-ohif/core';
import { GlueError, toPlainError } from './plainError';

describe('toPlainError', () => {
  it('words core errors for a radiologist and keeps the detail', () => {
    const e = toPlainError(new MedSamError('BAD_BOX', 'box [-40, 10, -5, 50] lies wholly outside the 256×256 image: draw it on the image'));
    expect(e.code).toBe('BAD_BOX');
    expect(e.title).toBe('The box cannot be segmented');
    expect(e.advice).toMatch(/Draw the box on the image/);
    expect(e.detail).toMatch(/wholly outside/);
  });

  it('glue and worker errors have their own wording; anything else a generic one', () => {
    expect(toPlainError(new GlueError('NOT_ACQUISITION_PLANE', 'x')).title).toMatch(/original slices/);
    expect(toPlainError(Object.assign(new Error('x'), { code: 'WORKER_FAILED' })).title).toMatch(/engine stopped/);
    const generic = toPlainError(new TypeError('undefined is not a function'));
    expect(generic).toMatchObject({ code: 'INTERNAL', title: 'Something went wrong', detail: 'undefined is not a function' });
    expect(toPlainError('plain').detail).toBe('plain');
  });
});
