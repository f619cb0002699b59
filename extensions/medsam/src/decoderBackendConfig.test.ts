import { readConfig } from './config';

describe('medsam.decoderBackend', () => {
  it('is "auto" by default and takes the three choices', () => {
    expect(readConfig({}).decoderBackend).toBe('auto');
    for (const b of ['auto', 'browser', 'service'] as const) {
      expect(readConfig({ decoderBackend: b, encoderBackend: 'auto', embeddingServiceUrl: '/' }).decoderBackend).toBe(b);
    }
    expect(() => readConfig({ decoderBackend: 'gpu' })).toThrow(/decoderBackend/);
  });

  it('"service" needs the service as the encoder: it decodes on embeddings it computed', () => {
    expect(() => readConfig({ decoderBackend: 'service' })).toThrow(/decoderBackend "service" needs medsam.embeddingServiceUrl/);
    expect(() => readConfig({ decoderBackend: 'service', embeddingServiceUrl: '/', encoderBackend: 'browser' })).toThrow(/encoderBackend "service" or "auto"/);
  });
});
