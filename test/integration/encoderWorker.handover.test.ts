// The viewer's encoder worker (medsam.encoderWorker) with the real onnxruntime-web: a worker thread serving
// the encoder (1 WASM thread, as the split gives on 2 cores) hands its embeddings to the "inference worker"
// (this process's main thread, its own onnxruntime-web with 1 or 2 threads) through RemoteEncoder; the
// embeddings are the same bits as those computed there, and the decoder's masks on them are the same
// (test/support/encoderWorkerCheck.ts, in a plain Node process). ~10 s per case on 2 cores.
import { join } from 'node:path';
import { checkProgram } from '../support/checkProgram';

const ROOT = join(__dirname, '../..');
const MANIFEST = join(ROOT, 'models/test-tiny/manifest.json');

const check = checkProgram('encoderWorkerCheck');

describe('encoder worker hand-over with onnxruntime-web (issue 10)', () => {
  for (const localThreads of [1, 2]) {
    it(`embeddings from the encoder worker (1 thread) equal this worker's (${localThreads} thread${localThreads === 1 ? '' : 's'}) bit for bit, and so do the masks`, () => {
      const out = check.run([MANIFEST, String(localThreads)]);
      const r = JSON.parse(out.trim().split('\n').pop()!);
      expect(r).toMatchObject({ slices: 3, embeddingsEqual: 3, masksEqual: 3, encoderThreads: 1, localThreads, warnings: [] });
      expect(r.maskPixels).toBeGreaterThan(1000); // the box segments something
    });
  }
});
