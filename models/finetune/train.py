#!/usr/bin/python3
"""Fine-tune the mask decoder on precomputed embeddings (MedSAM's first-release recipe, docs §10).

    /usr/bin/python3 models/finetune/train.py --dataset DIR --model models/test-tiny/manifest.json --out RUN
    /usr/bin/python3 models/finetune/train.py --dataset DIR --model models/medsam-vit-b/manifest.json \
        --checkpoint medsam_vit_b.pth --out RUN

Recipe (defaults): box = the mask's bounding box on the 256 grid, each side pushed out by a random 0-20 px
(np.random.randint(0, 20)), scaled to the 1024 model space; loss = soft Dice (sigmoid, squared prediction) + BCE
on the low-res logits; Adam on the mask decoder's parameters, lr 1e-5, batch 8. `--optimizer adamw --lr 1e-4
--weight-decay 0.01 --loss dice-bce` is MedSAM's later recipe. Each epoch is validated on the validation
patients (Dice of sigmoid > 0.5 on the 256 grid, box = the mask's bounding box, averaged per label then over
labels); the best epoch is kept and training stops after --patience epochs without improvement (or --max-minutes).
Without validation patients every epoch runs and the last is kept.

Writes RUN/decoder_state.pt (best decoder weights) and RUN/training.json (settings, hashes, per-epoch log).
When no epoch beats the starting decoder on validation, the run says so, exits with status 3 and export.py
refuses it: a "fine-tuned" version would be the parent's decoder unchanged.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from checkpoint import CheckpointError  # noqa: E402
from data import DatasetError, check_encoder, load_split, read_manifest, sha256_file  # noqa: E402
from decoders import open_decoder  # noqa: E402

GRID = 256  # gts and low-res logits
MODEL_SIZE = 1024


def mask_boxes(masks, rng, jitter):
    """[B,256,256] masks → [B,4] boxes in 1024 space: bbox on the 256 grid, each side out by randint(0, jitter)."""
    boxes = np.zeros((len(masks), 4), np.float32)
    for i, m in enumerate(masks):
        ys, xs = np.nonzero(m)
        x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
        if jitter > 0:
            x0 = max(0, x0 - rng.integers(0, jitter))
            x1 = min(GRID - 1, x1 + rng.integers(0, jitter))
            y0 = max(0, y0 - rng.integers(0, jitter))
            y1 = min(GRID - 1, y1 + rng.integers(0, jitter))
        boxes[i] = [x0, y0, x1, y1]
    return boxes * (MODEL_SIZE / GRID)


def dice_loss(logits, target, smooth=1e-5):
    """MONAI DiceLoss(sigmoid=True, squared_pred=True, reduction='mean') for one channel."""
    p = torch.sigmoid(logits)
    dims = (1, 2, 3)
    inter = (p * target).sum(dims)
    denom = (p * p).sum(dims) + (target * target).sum(dims)
    return (1.0 - (2.0 * inter + smooth) / (denom + smooth)).mean()


def loss_fn(name):
    # Both recipes are soft Dice (squared prediction) + BCE on the logits for MedSAM's single mask: MONAI's
    # DiceCELoss falls back to BCE for one channel, and MedSAM's later code adds BCEWithLogitsLoss itself.
    # The two names are kept so a run records which recipe it followed.
    if name in ("dicece", "dice-bce"):
        return lambda logits, target: dice_loss(logits, target) + F.binary_cross_entropy_with_logits(logits, target)
    raise ValueError(name)


def dice_scores(pred, target):
    inter = (pred & target).sum((1, 2))
    total = pred.sum((1, 2)) + target.sum((1, 2))
    return np.where(total > 0, 2 * inter / np.maximum(total, 1), 1.0)


@torch.no_grad()
def evaluate(model, embeddings, masks, meta, device, batch=16):
    """Dice per slice (box = exact bbox), mean overall and per label."""
    model.eval()
    scores = []
    for i in range(0, len(masks), batch):
        emb = torch.from_numpy(embeddings[i:i + batch]).to(device)
        boxes = torch.from_numpy(mask_boxes(masks[i:i + batch], None, 0)).to(device)
        pred = (torch.sigmoid(model(emb, boxes))[:, 0] > 0.5).cpu().numpy()
        scores.append(dice_scores(pred, masks[i:i + batch] > 0))
    scores = np.concatenate(scores) if scores else np.zeros(0)
    per_label = {}
    for s, (_, label, _) in zip(scores, meta):
        per_label.setdefault(label, []).append(float(s))
    labels = {k: {"n": len(v), "dice": float(np.mean(v))} for k, v in sorted(per_label.items())}
    return {
        # The mean over labels picks the best epoch: a structure with few slices counts as much as a common one,
        # so gaining a new structure cannot hide losing an old one.
        "dice": float(np.mean([v["dice"] for v in labels.values()])) if labels else None,
        "dicePerSlice": float(scores.mean()) if len(scores) else None,
        "perLabel": labels,
    }


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, help="folder written by `medsam dataset`")
    ap.add_argument("--model", required=True, help="the parent model's manifest.json (its encoder made the embeddings)")
    ap.add_argument("--checkpoint", help="MedSAM .pth (SAM's state-dict keys, see sam_layout.py); absent: the test model's decoder.onnx")
    ap.add_argument("--out", required=True)
    ap.add_argument("--init", help="continue from an earlier run's decoder_state.pt (same parent model)")
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-5)
    ap.add_argument("--optimizer", choices=["adam", "adamw"], default="adam")
    ap.add_argument("--weight-decay", type=float, default=None, help="default 0 (adam), 0.01 (adamw)")
    ap.add_argument("--loss", choices=["dicece", "dice-bce"], default="dicece")
    ap.add_argument("--box-jitter", type=int, default=20, help="each box side moves out by randint(0, N) px on the 256 grid")
    ap.add_argument("--patience", type=int, default=10, help="epochs without a better validation Dice before stopping")
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)
    if args.epochs < 1:
        ap.error(f"--epochs must be at least 1 (got {args.epochs}): with none, the decoder would be the starting one unchanged")
    return args


def train(args):
    t_start = time.time()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else ("cpu" if args.device == "auto" else args.device))

    dataset_path, dataset = read_manifest(args.dataset)
    try:
        with open(args.model) as f:
            model_manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{args.model}: cannot read the model manifest ({e})") from None
    check_encoder(dataset_path, dataset, model_manifest, args.model)
    train_emb, train_masks, train_meta = load_split(args.dataset, dataset, "train")
    val_emb, val_masks, val_meta = load_split(args.dataset, dataset, "validation")
    if len(train_masks) == 0:
        raise DatasetError(f"{dataset_path}: no training slices")
    model = open_decoder(model_manifest, os.path.dirname(os.path.abspath(args.model)), args.checkpoint).to(device)
    if args.init:
        try:
            model.load_state_dict(torch.load(args.init, map_location=device))
        except Exception as e:
            raise CheckpointError(f"{args.init}: not a usable decoder checkpoint ({type(e).__name__}: {str(e).splitlines()[0]})") from None
    params = model.trainable()
    wd = args.weight_decay if args.weight_decay is not None else (0.01 if args.optimizer == "adamw" else 0.0)
    opt = (torch.optim.AdamW if args.optimizer == "adamw" else torch.optim.Adam)(params, lr=args.lr, weight_decay=wd)
    criterion = loss_fn(args.loss)

    before = evaluate(model, val_emb, val_masks, val_meta, device) if len(val_masks) else None
    best = {"epoch": 0, "validation": before, "state": copy.deepcopy(model.state_dict())}
    log, steps, stale = [], 0, 0
    if not len(val_masks):
        print(f"no validation patients: all {args.epochs} epochs run (no early stop) and the last is kept", flush=True)
    print(f"training {model.kind} decoder on {len(train_masks)} slices ({len(set(m[2] for m in train_meta))} patients), "
          f"validating on {len(val_masks)} ({len(set(m[2] for m in val_meta))} patients), device {device}", flush=True)
    if before:
        print(f"epoch 0: validation Dice {before['dice']:.4f} {json.dumps({k: round(v['dice'], 4) for k, v in before['perLabel'].items()})}", flush=True)
    stop_reason = "epochs"
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(len(train_masks))
        losses = []
        t0 = time.time()
        for i in range(0, len(order), args.batch):
            idx = np.sort(order[i:i + args.batch])
            emb = torch.from_numpy(train_emb[idx]).to(device)
            target = torch.from_numpy(train_masks[idx].astype(np.float32))[:, None].to(device)
            boxes = torch.from_numpy(mask_boxes(train_masks[idx], rng, args.box_jitter)).to(device)
            loss = criterion(model(emb, boxes), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss))
            steps += 1
        train_seconds += time.time() - t0
        entry = {"epoch": epoch, "loss": float(np.mean(losses)), "steps": steps, "seconds": round(time.time() - t_start, 1)}
        if len(val_masks):
            v = evaluate(model, val_emb, val_masks, val_meta, device)
            entry["validation"] = v
            improved = v["dice"] > (best["validation"]["dice"] if best["validation"] else -1)
            if improved:
                best = {"epoch": epoch, "validation": v, "state": copy.deepcopy(model.state_dict())}
                stale = 0
            else:
                stale += 1
            print(f"epoch {epoch}: loss {entry['loss']:.4f}, validation Dice {v['dice']:.4f}{' (best)' if improved else ''} "
                  f"{json.dumps({k: round(x['dice'], 4) for k, x in v['perLabel'].items()})}", flush=True)
        else:
            best = {"epoch": epoch, "validation": None, "state": copy.deepcopy(model.state_dict())}
            print(f"epoch {epoch}: loss {entry['loss']:.4f} (no validation patients)", flush=True)
        log.append(entry)
        if len(val_masks) and stale >= args.patience:
            stop_reason = f"no better validation Dice for {args.patience} epochs"
            break
        if args.max_minutes and time.time() - t_start > args.max_minutes * 60:
            stop_reason = f"--max-minutes {args.max_minutes}"
            break

    os.makedirs(args.out, exist_ok=True)
    model.load_state_dict(best["state"])
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, os.path.join(args.out, "decoder_state.pt"))
    record = {
        "schema": "medsam-ohif/finetune-run@1",
        "parentManifest": os.path.abspath(args.model),
        "parentManifestSha256": sha256_file(args.model),
        "parentIdentity": f"{model_manifest['name']}@{model_manifest['version']}+{model_manifest['encoder']['sha256'][:12]}.{model_manifest['decoder']['sha256'][:12]}",
        "checkpoint": os.path.abspath(args.checkpoint) if args.checkpoint else None,
        "init": os.path.abspath(args.init) if args.init else None,
        "initSha256": sha256_file(args.init) if args.init else None,
        "checkpointSha256": sha256_file(args.checkpoint) if args.checkpoint else None,
        "dataset": os.path.abspath(args.dataset),
        "datasetManifestSha256": sha256_file(dataset_path),
        "decoderKind": model.kind,
        "settings": {
            "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "optimizer": args.optimizer, "weightDecay": wd,
            "loss": args.loss, "boxJitterPx256": args.box_jitter, "patience": args.patience, "maxMinutes": args.max_minutes,
            "seed": args.seed, "device": str(device), "torch": torch.__version__,
        },
        "trainSlices": len(train_masks),
        "validationSlices": len(val_masks),
        "validationPatients": dataset["split"]["validation"],
        "before": before,
        "bestEpoch": best["epoch"],
        "best": best["validation"],
        "stopReason": stop_reason,
        "steps": steps,
        "trainStepsPerSecond": steps / train_seconds if train_seconds else None,
        "seconds": round(time.time() - t_start, 1),
        "epochs": log,
    }
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(f"best epoch {best['epoch']} (validation Dice {best['validation']['dice'] if best['validation'] else 'n/a'}); "
          f"stopped: {stop_reason}; {record['seconds']} s; written to {args.out}", flush=True)
    return record


def unchanged_message(record, out):
    """Why a run whose best epoch is 0 is not a new decoder, in plain words."""
    tried = [e["validation"]["dice"] for e in record["epochs"] if e.get("validation")]
    return (
        f"no epoch improved on the starting decoder's validation Dice ({record['before']['dice']:.4f}; "
        f"the best of {len(tried)} epoch(s) reached {max(tried):.4f}), so {out} holds the starting decoder "
        f"unchanged and export.py will refuse it. Try a higher --lr, more --epochs or --patience, or more training slices."
    )


def main(argv=None):
    args = parse_args(argv)
    try:
        record = train(args)
    except (DatasetError, CheckpointError) as e:
        print(f"train.py: {e}", file=sys.stderr)
        return 2
    if record["bestEpoch"] == 0:
        print(f"train.py: {unchanged_message(record, args.out)}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
