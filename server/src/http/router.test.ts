import { methodOf, route } from './router';

describe('route', () => {
  it('maps every protocol endpoint', () => {
    expect(route('/v2')).toEqual({ kind: 'server' });
    expect(route('/v2/health/live')).toEqual({ kind: 'live' });
    expect(route('/v2/health/ready?x=1')).toEqual({ kind: 'ready' });
    expect(route('/v2/models/medsam_encoder')).toEqual({ kind: 'model', model: 'medsam_encoder' });
    expect(route('/v2/models/m/ready')).toEqual({ kind: 'modelReady', model: 'm' });
    expect(route('/v2/models/m/infer')).toEqual({ kind: 'infer', model: 'm' });
    expect(route('/v2/models/m/versions/1.0.0/infer')).toEqual({ kind: 'infer', model: 'm', version: '1.0.0' });
    expect(methodOf(route('/v2/models/m/infer'))).toBe('POST');
    expect(methodOf(route('/v2'))).toBe('GET');
  });

  it('never lets a traversal or encoded name through', () => {
    for (const bad of ['..', '.hidden', '%2e%2e', 'a%2Fb', 'a b', 'x'.repeat(129), '']) {
      expect(route(`/v2/models/${bad}/infer`).kind).toBe('badName');
    }
    expect(route('/v2/models/m/versions/..%2f/infer')).toEqual({ kind: 'badName', what: 'model version', value: '..%2f' });
    expect(route('/v2/models/a/../b/infer').kind).toBe('notFound');
  });

  it('answers notFound for anything else', () => {
    for (const p of ['/', '/v1', '/v2/', '/v2/health', '/v2/models', '/v2/models/m/infer/x', '//v2', '/v2/models/m/versions']) {
      expect(route(p).kind).toBe('notFound');
    }
  });
});
