#!/usr/bin/python3
"""Held-out Dice of medsam-ohif-test-tiny-256 (torch), through LiteMedSAM's own preparation and post-processing
(litemedsam_preprocess.py): the same cases as eval_test_model.py (seeds 1-24, slices 6/12/18/24/30 at 256²,
structures >= 300 px, boxes jittered by 0-5 %), once whole (square) and once cropped to a non-square window
(rows 40-215 of even seeds, columns 56-199 of odd seeds; structures >= 300 px after the crop), so the padding
counts.

    /usr/bin/python3 models/testing/eval_test_model_256.py [--weights W.npz | --start-from-test-tiny] [--seeds N]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import litemedsam_preprocess as lp  # noqa: E402
import medsam_preprocess as mp  # noqa: E402
import phantom_dataset as pd  # noqa: E402
from tiny_model_256 import box_from_points, load_weights_256, start_from_test_tiny  # noqa: E402


def crop_of(seed):
    return (slice(40, 216), slice(None)) if seed % 2 == 0 else (slice(None), slice(56, 200))


@torch.no_grad()
def evaluate(enc, dec, seeds):
    scores = {"square": [], "cropped": []}
    per_structure = defaultdict(list)
    for case in pd.eval_cases(seeds=list(range(1, seeds + 1))):
        for kind in ("square", "cropped"):
            hu, mask, box = case["hu"], case["mask"], case["box"]
            if kind == "cropped":
                window = crop_of(case["seed"])
                hu, mask = hu[window], mask[window]
                if mask.sum() < 300:
                    continue
                rng = np.random.default_rng([case["seed"], case["slice"], 98])
                box = pd.jitter_box(pd.bbox(mask), rng, 0.05, *mask.shape)
            x, hw = lp.encoder_input(mp.ct_to_uint8(hu))
            emb = enc(torch.from_numpy(x))
            b = lp.box_to_256(box, *mask.shape)
            pts = box_from_points(torch.tensor([[[b[0], b[1]], [b[2], b[3]]]], dtype=torch.float32), torch.tensor([[2.0, 3.0]]))
            low_res, _ = dec(emb, pts, torch.zeros(1, 1, 256, 256))
            got = lp.mask_from_logits(low_res, hw, mask.shape)
            d = 2 * (got & mask).sum() / (got.sum() + mask.sum())
            scores[kind].append(float(d))
            per_structure[(kind, case["name"])].append(float(d))
    report = {}
    for kind, values in scores.items():
        v = np.array(values)
        report[kind] = {"n": len(v), "mean": round(float(v.mean()), 4), "median": round(float(np.median(v)), 4),
                        "min": round(float(v.min()), 4), "below_0.9": int((v < 0.9).sum())}
    report["per_structure"] = {f"{k} {n}": {"n": len(v), "mean": round(float(np.mean(v)), 3), "min": round(float(np.min(v)), 3)}
                               for (k, n), v in sorted(per_structure.items())}
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default="/tmp/medsam-ohif-test-tiny-256/weights256.npz")
    ap.add_argument("--start-from-test-tiny", action="store_true", help="evaluate the untrained starting point")
    ap.add_argument("--seeds", type=int, default=24)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    enc, dec = start_from_test_tiny(os.path.join(HERE, "..", "test-tiny")) if a.start_from_test_tiny else load_weights_256(a.weights)
    print(json.dumps(evaluate(enc.eval(), dec.eval(), a.seeds), indent=1))


if __name__ == "__main__":
    main()
