#!/usr/bin/python3
"""Held-out evaluation of medsam-ohif-test-tiny (torch weights, exact MedSAM preprocessing and post-processing),
plus the files for the onnxruntime-node check (eval_onnx.cjs) and the TypeScript test fixtures.

    /usr/bin/python3 models/testing/eval_test_model.py [--fixtures test/fixtures/phantoms]

Rule: a case is every target structure with >= 300 px on slices 6, 12, 18, 24, 30 of 40 of the held-out
seeds 1-24 (256x256); smaller cross-sections are dropped. Boxes are the bounding box jittered by 0-5 %.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict

import numpy as np
import torch
import torch.nn.functional as F
from skimage import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import medsam_preprocess as mp  # noqa: E402
import phantom_dataset as pd  # noqa: E402
from tiny_model import box_from_points, load_weights  # noqa: E402

EVAL_SLICES = (6, 12, 18, 24, 30)
# Fixture picks: (seed, slice, structure), chosen to cover different organs, sizes and the lesion.
FIXTURES = [(3, 18, "liver"), (7, 18, "liver_lesion"), (2, 24, "spleen"), (4, 24, "kidney_left"),
            (1, 12, "spine"), (4, 6, "lung_right"), (13, 18, "liver_lesion")]


def postprocess(low_res_logits, height, width):
    """MedSAM: sigmoid -> bilinear (align_corners=False) to the original size -> > 0.5."""
    p = F.interpolate(torch.sigmoid(low_res_logits), size=(height, width), mode="bilinear", align_corners=False)
    return (p[0, 0] > 0.5).numpy()


def dice(a, b):
    return 2.0 * np.logical_and(a, b).sum() / max(a.sum() + b.sum(), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default="/tmp/medsam-ohif-test-tiny")
    ap.add_argument("--side", type=int, default=256)
    ap.add_argument("--seeds", type=int, nargs="*", default=pd.EVAL_SEEDS)
    ap.add_argument("--slices", type=int, nargs="*", default=list(EVAL_SLICES))
    ap.add_argument("--fixtures", default=None, help="write the TypeScript fixtures here")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fast", action="store_true", help="grey resize (same pixels as the 3-channel call, faster)")
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dev = torch.device(args.device)

    enc, dec = load_weights(os.path.join(args.cache, "weights.npz"))
    enc, dec = enc.to(dev), dec.to(dev)
    tag = "" if args.slices == list(EVAL_SLICES) else "-slices"
    dump = os.path.join(args.cache, f"eval{args.side}{tag}")
    os.makedirs(dump, exist_ok=True)

    groups = defaultdict(list)
    for case in pd.eval_cases(args.seeds, indices=args.slices, side=args.side):
        groups[(case["seed"], case["slice"])].append(case)

    records, fixture_cases = [], []
    with torch.no_grad():
        for (seed, k), cases in groups.items():
            hu = cases[0]["hu"]
            h, w = hu.shape
            u8 = mp.ct_to_uint8(hu)
            img = np.repeat(mp.resize_1024_grey(u8)[:, :, None], 3, -1) if args.fast else mp.resize_1024(u8)
            emb = enc(torch.from_numpy(mp.minmax_nchw(img)).to(dev))
            img_file = f"img-{seed}-{k}.u8"
            img[:, :, 0].tofile(os.path.join(dump, img_file))
            for c in cases:
                b = mp.box_to_1024(c["box"], h, w)
                pc = torch.tensor([[[b[0], b[1]], [b[2], b[3]]]], dtype=torch.float32, device=dev)
                box = box_from_points(pc, torch.tensor([[2.0, 3.0]], device=dev))
                low, iou = dec(emb, box, torch.zeros(1, 1, 256, 256, device=dev))
                low = low.cpu()
                pred = postprocess(low, h, w)
                d = dice(pred, c["mask"])
                gt_file = f"gt-{seed}-{k}-{c['name']}.u8"
                c["mask"].astype(np.uint8).tofile(os.path.join(dump, gt_file))
                rec = {"seed": seed, "slice": k, "name": c["name"], "area": int(c["mask"].sum()),
                       "box": [float(v) for v in c["box"]], "box1024": [float(v) for v in b],
                       "rows": h, "columns": w, "image": img_file, "gt": gt_file, "dice": float(d),
                       "iouPred": float(iou)}
                if not records:  # logits of the first case for the ONNX parity check
                    low.numpy().astype("<f4").tofile(os.path.join(dump, "parity-low-res.f32"))
                    rec["parity"] = "parity-low-res.f32"
                records.append(rec)
                if (seed, k, c["name"]) in FIXTURES:
                    fixture_cases.append((c, rec))
    with open(os.path.join(dump, "cases.json"), "w") as f:
        json.dump(records, f)

    report(records)
    if args.fixtures:
        write_fixtures(args.fixtures, fixture_cases)


def report(records):
    ds = np.array([r["dice"] for r in records])
    print(f"{len(ds)} cases: mean Dice {ds.mean():.4f}, median {np.median(ds):.4f}, min {ds.min():.4f}, "
          f"p5 {np.percentile(ds, 5):.4f}, < 0.9: {(ds < 0.9).sum()}")
    by = defaultdict(list)
    for r in records:
        by[r["name"]].append(r["dice"])
    for name in pd.TARGETS:
        if by[name]:
            v = np.array(by[name])
            print(f"  {name:13s} n={len(v):3d} mean {v.mean():.4f} min {v.min():.4f}")
    worst = sorted(records, key=lambda r: r["dice"])[:5]
    print("  worst:", ", ".join(f"{r['name']} s{r['seed']}/{r['slice']} {r['dice']:.3f} ({r['area']}px)" for r in worst))


def write_fixtures(out, fixture_cases):
    os.makedirs(out, exist_ok=True)
    order = {key: i for i, key in enumerate(FIXTURES)}
    fixture_cases.sort(key=lambda cr: order[(cr[1]["seed"], cr[1]["slice"], cr[1]["name"])])
    for n, (c, rec) in enumerate(fixture_cases, 1):
        stem = f"case-{n}"
        c["hu"].astype("<i2").tofile(os.path.join(out, stem + ".i16"))
        io.imsave(os.path.join(out, stem + ".gt.png"), (c["mask"] * 255).astype(np.uint8), check_contrast=False)
        sidecar = {
            "image": stem + ".i16",
            "imageFormat": "raw little-endian int16, row-major, HU",
            "rows": rec["rows"],
            "columns": rec["columns"],
            "rescaleSlope": 1,
            "rescaleIntercept": 0,
            "modality": "CT",
            "label": rec["name"],
            "box": [round(v, 4) for v in rec["box"]],
            "boxConvention": "x0, y0, x1, y1 in original pixels (x = column, y = row); the structure's inclusive "
                             "bounding box jittered by 0-5 %",
            "groundTruth": stem + ".gt.png",
            "phantom": {"seed": rec["seed"], "slice": rec["slice"], "shape": [pd.SLICES, rec["rows"], rec["columns"]],
                        "generator": "models/testing/phantom.py"},
            "window": list(mp.CT_WINDOW),
            "model": "medsam-ohif-test-tiny",
            "diceReference": round(rec["dice"], 4),
            "diceReferenceNote": "torch weights, exact MedSAM pre/post-processing; informational, tests recompute",
        }
        with open(os.path.join(out, stem + ".json"), "w") as f:
            json.dump(sidecar, f, indent=2)
            f.write("\n")
    print(f"wrote {len(fixture_cases)} fixtures to {out}")


if __name__ == "__main__":
    main()
