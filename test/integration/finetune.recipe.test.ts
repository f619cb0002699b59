// The seed's training recipe as models/finetune/train.py implements it (docs/MEDSAM_PIPELINE.md §10).
import { spawnSync } from 'node:child_process';
import { ROOT } from '../support/cli';

function python(code: string): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', `import sys; sys.path.insert(0, 'models/finetune')\n${code}`], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

it('box = the mask bbox on the 256 grid, each side pushed out by randint(0, 20), clamped, in 1024 space', () => {
  const r = python(`
import json, numpy as np
from train import mask_boxes
m = np.zeros((1, 256, 256), np.uint8); m[0, 100:151, 30:61] = 1   # rows 100-150, columns 30-60
rng = np.random.default_rng(1)
b = np.array([mask_boxes(m, rng, 20)[0] for _ in range(4000)]) / 4
edge = np.zeros((1, 256, 256), np.uint8); edge[0, 0:10, 250:256] = 1
e = np.array([mask_boxes(edge, rng, 20)[0] for _ in range(200)]) / 4
print(json.dumps({"exact": (mask_boxes(m, None, 0)[0] / 4).tolist(),
  "outMin": [float(30 - b[:, 0].max()), float(100 - b[:, 1].max()), float(b[:, 2].min() - 60), float(b[:, 3].min() - 150)],
  "outMax": [float(30 - b[:, 0].min()), float(100 - b[:, 1].min()), float(b[:, 2].max() - 60), float(b[:, 3].max() - 150)],
  "edge": [float(e[:, 1].min()), float(e[:, 2].max())]}))`) as { exact: number[]; outMin: number[]; outMax: number[]; edge: number[] };
  expect(r.exact).toEqual([30, 100, 60, 150]);
  expect(r.outMin).toEqual([0, 0, 0, 0]); // never inside the mask
  expect(r.outMax).toEqual([19, 19, 19, 19]); // np.random.randint(0, 20): 0..19
  expect(r.edge).toEqual([0, 255]); // clamped to the grid
});

it('loss: Dice (sigmoid, squared prediction) + BCE; ~0 for a confident right answer, large for a wrong one', () => {
  const r = python(`
import json, torch
from train import loss_fn
t = torch.zeros(2, 1, 256, 256); t[:, :, 50:100, 50:100] = 1
f = loss_fn("dicece"); g = loss_fn("dice-bce")
right = (t * 2 - 1) * 20
print(json.dumps({"right": float(f(right, t)), "wrong": float(f(-right, t)), "same": float(f(right * 0.1, t)) == float(g(right * 0.1, t))}))`) as { right: number; wrong: number; same: boolean };
  expect(r.right).toBeLessThan(1e-4);
  expect(r.wrong).toBeGreaterThan(10);
  expect(r.same).toBe(true);
});
