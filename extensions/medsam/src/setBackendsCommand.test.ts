import { setBackendsCommand } from './setBackendsCommand';

describe('the "choose backend" command', () => {
  it('sets the encoder backend, the ORT providers, or both; refuses anything else', () => {
    const calls: unknown[][] = [];
    const controller = { setBackends: (b: unknown) => calls.push(['backends', b]), setEncoderBackend: (b: unknown) => calls.push(['encoder', b]) };
    setBackendsCommand(controller, { encoderBackend: 'auto' });
    setBackendsCommand(controller, { backends: ['wasm'] });
    expect(calls).toEqual([['encoder', 'auto'], ['backends', ['wasm']]]);
    expect(() => setBackendsCommand(controller, {})).toThrow(/backends and\/or encoderBackend/);
    expect(() => setBackendsCommand(controller, { encoderBackend: 'cloud' })).toThrow(/browser, service, auto/);
    expect(() => setBackendsCommand(controller, { backends: ['cuda'] })).toThrow(/webgpu/);
  });
});
