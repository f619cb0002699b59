#!/usr/bin/env node
/*
 * Runs one ONNX model with onnxruntime-node on raw tensors, for the Python scripts in this folder
 * (Debian's python3 has no onnxruntime; this repository's node_modules has onnxruntime-node).
 *
 *   node models/export/ort_run.cjs JOB.json
 *
 * JOB.json: {
 *   "model": "path/to/model.onnx",
 *   "feeds": { "<input name>": { "file": "x.bin", "type": "float32" | "uint8" | "int64", "dims": [..] } },
 *   "outputs": ["<output name>", ...],          // optional: all outputs when left out
 *   "outDir": "dir"                             // each output is written to <outDir>/<index>.bin
 * }
 * Raw files are little-endian, C order. Prints one JSON line: {inputs, outputs} (name, element type, shape),
 * results (per output: file, type, dims), and createMs/runMs (session creation and run, milliseconds).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ARRAYS = { float32: Float32Array, uint8: Uint8Array, int64: BigInt64Array, int32: Int32Array, float64: Float64Array };

function readTensor({ file, type, dims }) {
  const Ctor = ARRAYS[type];
  if (!Ctor) throw new Error(`unsupported tensor type ${type}`);
  const buf = fs.readFileSync(file);
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== count * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(`${file}: ${buf.length} bytes, expected ${count} ${type} values for dims [${dims}]`);
  }
  // Copy into an aligned buffer of its own (Node's Buffer may sit at any offset of a shared pool).
  const data = new Ctor(count);
  new Uint8Array(data.buffer).set(buf);
  return new ort.Tensor(type, data, dims);
}

/** Names, element types and shapes of a session's inputs or outputs (shapes need onnxruntime >= 1.22). */
function describe(session, kind) {
  const names = kind === 'input' ? session.inputNames : session.outputNames;
  const meta = kind === 'input' ? session.inputMetadata : session.outputMetadata;
  return names.map((name, i) => {
    const m = Array.isArray(meta) ? meta[i] : undefined;
    return { name, type: m && m.isTensor ? m.type : null, shape: m && m.isTensor ? m.shape : null };
  });
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const t0 = performance.now();
  // No memory arena: a ViT-B encoder peaks ~3 GB lower without it, at no cost for one run.
  const session = await ort.InferenceSession.create(job.model, { executionProviders: ['cpu'], enableCpuMemArena: false });
  const t1 = performance.now();
  const feeds = {};
  for (const [name, spec] of Object.entries(job.feeds)) feeds[name] = readTensor(spec);
  const wanted = job.outputs ?? session.outputNames;
  const results = await session.run(feeds, wanted);
  const t2 = performance.now();
  fs.mkdirSync(job.outDir, { recursive: true });
  const outputs = {};
  wanted.forEach((name, i) => {
    const t = results[name];
    const file = path.join(job.outDir, `${i}.bin`);
    fs.writeFileSync(file, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    outputs[name] = { file, type: t.type, dims: Array.from(t.dims) };
  });
  process.stdout.write(
    `${JSON.stringify({
      inputs: describe(session, 'input'),
      outputs: describe(session, 'output'),
      results: outputs,
      createMs: t1 - t0,
      runMs: t2 - t1,
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
