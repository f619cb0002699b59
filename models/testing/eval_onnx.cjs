#!/usr/bin/env node
// Runs the exported test model through onnxruntime-node on the held-out cases that eval_test_model.py
// dumped, with MedSAM's post-processing, and checks logit parity against the torch run.
//   node models/testing/eval_onnx.cjs [/tmp/medsam-ohif-test-tiny/eval256] [models/test-tiny]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const dumpDir = process.argv[2] || '/tmp/medsam-ohif-test-tiny/eval256';
const modelDir = process.argv[3] || path.join(__dirname, '..', 'test-tiny');

// uint8 [1024*1024] grey -> float32 [1,3,1024,1024], per-image min-max as the pipeline does.
function imageTensor(u8) {
  let lo = 255;
  let hi = 0;
  for (const v of u8) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const scale = 1 / Math.max(hi - lo, 1e-8);
  const plane = u8.length;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) out[i] = out[i + plane] = out[i + 2 * plane] = (u8[i] - lo) * scale;
  return new ort.Tensor('float32', out, [1, 3, 1024, 1024]);
}

// sigmoid -> bilinear (align_corners=false, as torch) to h x w -> > 0.5
function postprocess(logits, n, h, w) {
  const p = logits.map((v) => 1 / (1 + Math.exp(-v)));
  const out = new Uint8Array(h * w);
  const axis = (i, inN, outN) => {
    const s = Math.max((i + 0.5) * (inN / outN) - 0.5, 0);
    const i0 = Math.min(Math.floor(s), inN - 1);
    return [i0, Math.min(i0 + 1, inN - 1), s - i0];
  };
  for (let y = 0; y < h; y++) {
    const [y0, y1, fy] = axis(y, n, h);
    for (let x = 0; x < w; x++) {
      const [x0, x1, fx] = axis(x, n, w);
      const top = p[y0 * n + x0] * (1 - fx) + p[y0 * n + x1] * fx;
      const bot = p[y1 * n + x0] * (1 - fx) + p[y1 * n + x1] * fx;
      out[y * w + x] = top * (1 - fy) + bot * fy > 0.5 ? 1 : 0;
    }
  }
  return out;
}

function dice(a, b) {
  let inter = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) { inter += a[i] & b[i]; sum += a[i] + b[i]; }
  return sum ? (2 * inter) / sum : 1;
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(path.join(dumpDir, 'cases.json'), 'utf8'));
  const opts = { intraOpNumThreads: 2 };
  const enc = await ort.InferenceSession.create(path.join(modelDir, 'encoder.onnx'), opts);
  const dec = await ort.InferenceSession.create(path.join(modelDir, 'decoder.onnx'), opts);
  const results = [];
  let emb = null;
  let embImage = null;
  let flips = 0;
  for (const c of cases) {
    if (embImage !== c.image) {
      const u8 = fs.readFileSync(path.join(dumpDir, c.image));
      emb = (await enc.run({ image: imageTensor(u8) })).image_embeddings;
      embImage = c.image;
    }
    const b = c.box1024;
    const out = await dec.run({
      image_embeddings: emb,
      point_coords: new ort.Tensor('float32', Float32Array.from([b[0], b[1], b[2], b[3]]), [1, 2, 2]),
      point_labels: new ort.Tensor('float32', Float32Array.from([2, 3]), [1, 2]),
      mask_input: new ort.Tensor('float32', new Float32Array(256 * 256), [1, 1, 256, 256]),
      has_mask_input: new ort.Tensor('float32', Float32Array.from([0]), [1]),
      orig_im_size: new ort.Tensor('float32', Float32Array.from([c.rows, c.columns]), [2]),
    });
    const low = out.low_res_masks.data;
    if (c.parity) {
      const ref = new Float32Array(fs.readFileSync(path.join(dumpDir, c.parity)).buffer.slice(0));
      let maxDiff = 0;
      for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i] - low[i]));
      console.log(`parity (${c.name} seed ${c.seed} slice ${c.slice}): max |onnx - torch| low-res logit = ${maxDiff.toExponential(2)}`);
    }
    const gt = fs.readFileSync(path.join(dumpDir, c.gt));
    const d = dice(postprocess(low, 256, c.rows, c.columns), gt);
    if (Math.abs(d - c.dice) > 1e-9) flips++;
    results.push({ name: c.name, d, torch: c.dice });
  }
  const ds = results.map((r) => r.d).sort((a, b) => a - b);
  const mean = ds.reduce((s, v) => s + v, 0) / ds.length;
  console.log(`onnxruntime-node: ${ds.length} cases, mean Dice ${mean.toFixed(4)}, min ${ds[0].toFixed(4)}, ` +
    `median ${ds[Math.floor(ds.length / 2)].toFixed(4)}, < 0.9: ${ds.filter((v) => v < 0.9).length}`);
  const maxDelta = Math.max(...results.map((r) => Math.abs(r.d - r.torch)));
  console.log(`cases whose Dice differs from torch: ${flips} (max |delta Dice| ${maxDelta.toExponential(2)})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
