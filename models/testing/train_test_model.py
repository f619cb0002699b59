#!/usr/bin/python3
"""Train medsam-ohif-test-tiny on phantom slices, then export it to ONNX and write its manifest.

    /usr/bin/python3 models/testing/train_test_model.py                      # CPU preset, 2 threads
    python3 models/testing/train_test_model.py --device cuda --no-export    # GPU preset (weights only)
    /usr/bin/python3 models/testing/export_onnx.py --weights W.npz          # then export here (torch 1.13)

Every batch is drawn from its own seeded generator (seed, step), so a run is repeatable for a given device
and preset whatever the number of prefetch workers. Weights: <cache>/weights.npz.
"""
from __future__ import annotations

import argparse
import atexit
import math
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import phantom_dataset as pd  # noqa: E402
from tiny_model import Decoder, Encoder, box_from_points, load_weights, save_weights  # noqa: E402

PRESETS = {  # cpu: fits ~25 min on 2 idle cores; cuda: the committed model (a few minutes on one H100)
    "cpu": dict(steps=1200, images=2000, batch_images=4, boxes_per_image=4, workers=0, threads=2),
    "cuda": dict(steps=4000, images=6000, batch_images=12, boxes_per_image=4, workers=12, threads=4),
}
P_PRIOR = 0.15  # share of boxes trained with a previous mask in mask_input
_DATA = {}  # images, labels, catalogue, args: set before the prefetch pool forks


def perturbed_prior(mask256, rng):
    """A previous-pass mask for mask_input training: the truth grown or shrunk by 1-2 px, sometimes shifted."""
    m = torch.from_numpy(mask256)[None, None]
    k = int(rng.choice([3, 5]))
    m = F.max_pool2d(m, k, 1, k // 2) if rng.uniform() < 0.5 else -F.max_pool2d(-m, k, 1, k // 2)
    if rng.uniform() < 0.5:
        m = torch.roll(m, (int(rng.integers(-2, 3)), int(rng.integers(-2, 3))), (2, 3))
    return m[0].numpy()


def make_batch(step):
    """Batch `step`: images uint8 [B,1024,1024], box corners in 1024 space [K,2,2], priors [K,1,256,256],
    targets (a list of [H,W] float masks), owner [K] (which image each box belongs to)."""
    images, labels, catalogue, a = _DATA["images"], _DATA["labels"], _DATA["catalogue"], _DATA["args"]
    rng = np.random.default_rng([a.seed, step])
    idx = rng.choice(len(labels), a.batch_images, replace=False, p=_DATA["image_p"])
    coords, targets, priors, owner = [], [], [], []
    for j, i in enumerate(idx):
        lab = labels[i]
        h, w = lab.shape
        names = catalogue[i]
        wts = np.array([a.focus.get(n, 1.0) for n in names])
        pick = rng.choice(len(names), a.boxes_per_image, replace=len(names) < a.boxes_per_image, p=wts / wts.sum())
        for p in pick:
            m = pd.phantom.structure_mask(lab, names[p])
            box = pd.jitter_box(pd.bbox(m), rng, rng.uniform(0, 0.08), h, w)
            b = box / np.array([w, h, w, h]) * 1024.0
            coords.append([[b[0], b[1]], [b[2], b[3]]])
            t = m.astype(np.float32)
            targets.append(t)
            if rng.uniform() < P_PRIOR:
                t256 = t if h == 256 else t.reshape(256, h // 256, 256, w // 256).mean((1, 3)).round()
                priors.append(perturbed_prior(t256, rng))
            else:
                priors.append(np.zeros((1, 256, 256), np.float32))
            owner.append(j)
    imgs = np.stack([images[i] for i in idx])
    return imgs, np.array(coords, np.float32), np.stack(priors), targets, np.array(owner)


def minmax(img_u8):
    """uint8 [B,1024,1024] tensor -> float [B,3,1024,1024] in [0,1], per image, as the pipeline does."""
    x = img_u8.float()
    lo = x.amin((1, 2), keepdim=True)
    hi = x.amax((1, 2), keepdim=True)
    return ((x - lo) / (hi - lo).clamp(min=1e-8)).unsqueeze(1).expand(-1, 3, -1, -1)


def losses(logits, iou_pred, targets, dev):
    """BCE + soft Dice on the logits stretched to each image's own size (as post-processing does), plus
    an IoU-head regression on the hard mask. Samples are grouped by image size."""
    total, dices, ious = 0.0, [], [None] * len(targets)
    for size in sorted({t.shape for t in targets}):
        ks = [k for k, t in enumerate(targets) if t.shape == size]
        t = torch.from_numpy(np.stack([targets[k] for k in ks])).to(dev)
        lg = logits[ks]
        if lg.shape[2:] != size:
            lg = F.interpolate(lg, size=size, mode="bilinear", align_corners=False)
        lg = lg[:, 0]
        p = torch.sigmoid(lg)
        soft = (2 * (p * t).sum((1, 2)) + 1) / (p.sum((1, 2)) + t.sum((1, 2)) + 1)
        bce = F.binary_cross_entropy_with_logits(lg, t, reduction="none").mean((1, 2))
        total = total + (bce + 1 - soft).sum()
        with torch.no_grad():
            hard = (lg > 0).float()
            inter = (hard * t).sum((1, 2))
            union = (hard + t).clamp(max=1).sum((1, 2))
            dices.append(2 * inter / (hard.sum((1, 2)) + t.sum((1, 2)) + 1e-6))
            for n, k in enumerate(ks):
                ious[k] = inter[n] / (union[n] + 1e-6)
    iou_loss = F.mse_loss(iou_pred[:, 0], torch.stack(ious))
    return total / len(targets) + 0.1 * iou_loss, float(torch.cat(dices).mean())


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    for key in PRESETS["cpu"]:
        ap.add_argument("--" + key.replace("_", "-"), type=int, default=None, help="default: from the preset")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-minutes", type=float, default=None, help="stop early (and say so) after this long")
    ap.add_argument("--focus", nargs="*", default=[], metavar="NAME=WEIGHT",
                    help="sample these structures (and the slices holding them) WEIGHT times more often")
    ap.add_argument("--init", default=None, help="start from these weights (.npz), e.g. to fine-tune")
    ap.add_argument("--cache", default="/tmp/medsam-ohif-test-tiny")
    ap.add_argument("--no-export", action="store_true", help="only save weights (export needs torch 1.13)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-tiny"))
    args = ap.parse_args()
    for key, value in PRESETS["cuda" if args.device.startswith("cuda") else "cpu"].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.focus = {k: float(v) for k, v in (f.split("=") for f in args.focus)}
    return args


def image_weights(catalogue, focus):
    """Slice sampling probabilities: a slice counts as much as the most favoured structure it holds."""
    w = np.array([max([focus.get(n, 1.0) for n in names] or [1.0]) for names in catalogue])
    return w / w.sum()


def main():
    args = parse_args()
    dev = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    print("config:", vars(args), flush=True)
    t0 = time.time()
    images, labels, catalogue = pd.build_train_cache(args.images, os.path.join(args.cache, "train"),
                                                     workers=max(args.workers, args.threads))
    _DATA.update(images=images, labels=labels, catalogue=catalogue, args=args,
                 image_p=image_weights(catalogue, args.focus))
    print(f"data: {len(labels)} slices ready in {time.time() - t0:.0f}s", flush=True)

    # Fork the prefetch workers before CUDA starts; they run single-threaded CPU torch only.
    pool = Pool(args.workers, initializer=torch.set_num_threads, initargs=(1,)) if args.workers > 0 else None
    if pool:
        atexit.register(pool.terminate)  # an exception must not leave the interpreter waiting on workers
    enc, dec = load_weights(args.init) if args.init else (Encoder(), Decoder())
    enc, dec = enc.train().to(dev), dec.train().to(dev)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    warm = max(30, args.steps // 50)

    t_train = time.time()
    budget = args.max_minutes * 60 - (t_train - t0) if args.max_minutes else None

    def lr_at(s):  # linear warm-up, cosine decay over the steps (or over the time budget, if that ends first)
        frac = s / args.steps
        if budget:
            frac = min(1.0, max(frac, (time.time() - t_train) / budget))
        return args.lr * min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * frac))

    batches = pool.imap(make_batch, range(args.steps), chunksize=2) if pool else map(make_batch, range(args.steps))
    t1, run_loss, run_dice, done = time.time(), [], [], 0
    for step, (imgs, coords, priors, targets, owner) in enumerate(batches):
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        x = minmax(torch.from_numpy(imgs).to(dev))
        n = len(coords)
        box = box_from_points(torch.from_numpy(coords).to(dev), torch.tensor([[2.0, 3.0]], device=dev).expand(n, -1))
        owner = torch.from_numpy(owner).to(dev)
        emb = enc(x)
        fine = dec.fine_features(emb)
        logits, iou = dec(emb[owner], box, torch.from_numpy(priors).to(dev), fine[owner])
        loss, dice = losses(logits, iou, targets, dev)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        run_loss.append(float(loss.detach()))
        run_dice.append(dice)
        done = step + 1
        if done % 50 == 0 or done == args.steps:
            print(f"step {done}/{args.steps} loss {np.mean(run_loss):.4f} train dice {np.mean(run_dice):.4f} "
                  f"lr {lr_at(step):.2e} {time.time() - t1:.0f}s", flush=True)
            run_loss, run_dice = [], []
        if budget and time.time() - t_train > budget:
            print(f"STOPPED EARLY at step {done} (--max-minutes {args.max_minutes})", flush=True)
            break
    if pool:
        pool.terminate()

    weights = os.path.join(args.cache, "weights.npz")  # (an --init file there is replaced)
    save_weights(weights, enc.cpu(), dec.cpu())
    print(f"trained {done} steps in {time.time() - t1:.0f}s (total {time.time() - t0:.0f}s); weights {weights}",
          flush=True)
    if not args.no_export:
        from export_onnx import export_and_describe

        export_and_describe(weights, args.out)


if __name__ == "__main__":
    main()
