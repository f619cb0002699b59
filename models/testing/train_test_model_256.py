#!/usr/bin/python3
"""Train medsam-ohif-test-tiny-256 (the 256-profile test model, NOT LiteMedSAM) on phantom slices, starting
from test-tiny's weights (tiny_model_256.py), then export it, write its manifest and its uint8-wrapped encoder.

    /usr/bin/python3 models/testing/train_test_model_256.py [--max-minutes 4] [--out models/test-tiny-256]

Training slices: seeds 100000 + i (never the held-out seeds < 100000), one random slice each at 256² with the
field of view x0.85-1.2; 60 % cropped to a non-square window (each side 45-100 %), so the padding and the crop
of the logits are learnt. Everything goes through LiteMedSAM's own preparation (litemedsam_preprocess.py):
INTER_AREA to longest side 256, min-max before zero padding, boxes truncated to 256 space; the loss (BCE + soft
Dice) is taken on the logits cropped to the resized region and resized to the slice, as the mask is made.
Batches are seeded by (seed, step).
"""
from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import litemedsam_preprocess as lp  # noqa: E402
import medsam_preprocess as mp  # noqa: E402
import phantom  # noqa: E402
import phantom_dataset as pd  # noqa: E402
from tiny_model_256 import box_from_points, load_weights_256, save_weights, start_from_test_tiny  # noqa: E402

P_CROP = 0.6


def crop_window(rng, rows, cols):
    """A non-square window (r0, r1, c0, c1): one side kept whole, the other 45-100 % of it."""
    keep = rng.uniform(0.45, 1.0)
    if rng.uniform() < 0.5:
        n = max(16, int(rows * keep))
        r0 = int(rng.integers(0, rows - n + 1))
        return r0, r0 + n, 0, cols
    n = max(16, int(cols * keep))
    c0 = int(rng.integers(0, cols - n + 1))
    return 0, rows, c0, c0 + n


def _train_item(i):
    rng = np.random.default_rng([i, 256])
    fov = 400.0 * rng.uniform(0.85, 1.2)
    shape, spacing = (pd.SLICES, 256, 256), (5.0, fov / 256, fov / 256)
    ana = phantom.make_anatomy(pd.TRAIN_SEED_BASE + i)
    for _ in range(20):
        hu, lab = phantom.render_slice(ana, int(rng.integers(0, pd.SLICES)), shape, spacing)
        if rng.uniform() < P_CROP:
            r0, r1, c0, c1 = crop_window(rng, *lab.shape)
            hu, lab = hu[r0:r1, c0:c1], lab[r0:r1, c0:c1]
        names = list(pd.structures(lab, pd.MIN_TRAIN_AREA))
        if names:
            break
    img = mp.ct_to_uint8(hu)
    x, resized = lp.encoder_input(img)
    return x[0, 0].astype(np.float16), resized, lab, names


def build_cache(n, path, workers):
    """n training items, cached in one pickle: (unit grid float16 [256,256], (h, w), labels, target names)."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            items = pickle.load(f)
        if len(items) >= n:
            return items[:n]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with Pool(workers) as pool:
        items = list(pool.imap(_train_item, range(n), chunksize=4))
    with open(path, "wb") as f:
        pickle.dump(items, f)
    return items


def make_batch(items, step, a):
    rng = np.random.default_rng([a.seed, step])
    idx = rng.choice(len(items), a.batch_images, replace=False)
    grids, coords, owner, targets, resized = [], [], [], [], []
    for j, i in enumerate(idx):
        grid, hw, lab, names = items[i]
        grids.append(grid.astype(np.float32))
        rows, cols = lab.shape
        for p in rng.choice(len(names), a.boxes_per_image, replace=len(names) < a.boxes_per_image):
            m = phantom.structure_mask(lab, names[p])
            box = pd.jitter_box(pd.bbox(m), rng, rng.uniform(0, 0.08), rows, cols)
            b = lp.box_to_256(box, rows, cols)
            coords.append([[b[0], b[1]], [b[2], b[3]]])
            targets.append(m.astype(np.float32))
            resized.append(hw)
            owner.append(j)
    return np.stack(grids), np.array(coords, np.float32), np.array(owner), targets, resized


def loss_of(logits, targets, resized):
    """BCE + soft Dice per box on the post-processed logits (crop, bilinear to the slice's size)."""
    total, dices = 0.0, []
    for k, (t, hw) in enumerate(zip(targets, resized)):
        lg = lp.postprocess_logits(logits[k:k + 1], hw, t.shape)[0, 0]
        t = torch.from_numpy(t)
        p = torch.sigmoid(lg)
        soft = (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)
        total = total + F.binary_cross_entropy_with_logits(lg, t) + 1 - soft
        with torch.no_grad():
            hard = (lg > 0).float()
            dices.append(float(2 * (hard * t).sum() / (hard.sum() + t.sum() + 1e-6)))
    return total / len(targets), float(np.mean(dices))


def train(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t0 = time.time()
    items = build_cache(a.images, os.path.join(a.cache, "train256.pkl"), a.threads)
    print(f"data: {len(items)} slices in {time.time() - t0:.0f}s", flush=True)
    enc, dec = load_weights_256(a.init) if a.init else start_from_test_tiny(a.test_tiny)
    enc.train()
    dec.train()
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=1e-4)
    t1 = time.time()
    budget = a.max_minutes * 60 if a.max_minutes else None
    done, run = 0, []
    for step in range(a.steps):
        frac = step / a.steps if not budget else max(step / a.steps, (time.time() - t1) / budget)
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (step + 1) / 10) * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
        grids, coords, owner, targets, resized = make_batch(items, step, a)
        x = torch.from_numpy(grids)[:, None].expand(-1, 3, -1, -1)
        n = len(coords)
        box = box_from_points(torch.from_numpy(coords), torch.tensor([[2.0, 3.0]]).expand(n, -1))
        emb = enc(x)
        own = torch.from_numpy(owner)
        fine = dec.fine_features(emb)
        logits, _ = dec(emb[own], box, torch.zeros(n, 1, 256, 256), fine[own])
        loss, dice = loss_of(logits, targets, resized)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        run.append((float(loss.detach()), dice))
        done = step + 1
        if done % 10 == 0:
            l, d = np.mean(run, 0)
            print(f"step {done} loss {l:.4f} train dice {d:.4f} {time.time() - t1:.0f}s", flush=True)
            run = []
        if budget and time.time() - t1 > budget:
            print(f"stopped at step {done} (--max-minutes {a.max_minutes})", flush=True)
            break
    weights = os.path.join(a.cache, "weights256.npz")
    save_weights(weights, enc, dec)
    print(f"trained {done} steps x {a.batch_images * a.boxes_per_image} boxes in {time.time() - t1:.0f}s; {weights}")
    return weights


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--images", type=int, default=400)
    ap.add_argument("--batch-images", type=int, default=4)
    ap.add_argument("--boxes-per-image", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=4.0, help="training time budget (the schedule follows it)")
    ap.add_argument("--test-tiny", default=os.path.join(HERE, "..", "test-tiny"), help="test-tiny's directory (the start)")
    ap.add_argument("--init", help="start from these weights256.npz instead")
    ap.add_argument("--cache", default="/tmp/medsam-ohif-test-tiny-256")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "test-tiny-256"))
    a = ap.parse_args()
    print("config:", vars(a), flush=True)
    weights = train(a)
    if not a.no_export:
        from export_onnx_256 import export_all
        export_all(weights, a.out)


if __name__ == "__main__":
    main()
