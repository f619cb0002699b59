// The encoder thread's script for suites/volume3d.mjs: the project's own thread side (runtimes/encoderThread.ts).
require('../dist/core.cjs').serveEncoderThread();
