#!/usr/bin/python3
"""A fine-tuning run → a new model version: decoder.onnx (the same SAM contract, by the existing export code)
and a manifest that shares the parent's encoder file (referenced by a relative path, not copied) and records
its lineage: the parent manifest's and decoder's hashes, the dataset manifest's hash and the training settings.

    /usr/bin/python3 models/finetune/export.py --run RUN --out models/my-site-finetuned [--name N] [--version V]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from checkpoint import CheckpointError  # noqa: E402
from data import sha256_file  # noqa: E402
from decoders import open_decoder  # noqa: E402
from onnx_tools import file_entry, write_json  # noqa: E402  (models/export, on the path via checkpoint)


def export_run(run_dir, out_dir, name=None, version=None):
    try:
        with open(os.path.join(run_dir, "training.json")) as f:
            run = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{os.path.join(run_dir, 'training.json')}: cannot read the training record ({e})") from None
    if run.get("bestEpoch") == 0:
        # train.py kept the starting weights: a new version would be the parent's decoder under another name.
        raise CheckpointError(
            f"{os.path.join(run_dir, 'training.json')}: no epoch of this run improved on the starting decoder "
            f"(best epoch 0, stopped: {run.get('stopReason')}), so there is no fine-tuned decoder to export; train again"
        )
    parent_path = run["parentManifest"]
    if sha256_file(parent_path) != run["parentManifestSha256"]:
        raise CheckpointError(f"{parent_path}: the parent manifest changed since training (SHA-256 differs from training.json)")
    with open(parent_path) as f:
        parent = json.load(f)
    parent_dir = os.path.dirname(parent_path)
    model = open_decoder(parent, parent_dir, run.get("checkpoint"))
    state_path = os.path.join(run_dir, "decoder_state.pt")
    try:
        state = torch.load(state_path, map_location="cpu")
        model.load_state_dict(state)
    except FileNotFoundError:
        raise CheckpointError(f"{state_path}: file not found") from None
    except Exception as e:
        raise CheckpointError(f"{state_path}: not a usable decoder checkpoint ({type(e).__name__}: {str(e).splitlines()[0]})") from None

    os.makedirs(out_dir, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch 1.13's exporter chatters about prim::Constant shapes
        model.export(os.path.join(out_dir, "decoder.onnx"))
    encoder_path = os.path.join(parent_dir, parent["encoder"]["file"])
    if sha256_file(encoder_path) != parent["encoder"]["sha256"]:
        raise CheckpointError(f"{encoder_path}: does not match the SHA-256 its manifest {parent_path} gives")
    encoder = dict(parent["encoder"])
    encoder["file"] = os.path.relpath(encoder_path, out_dir).replace(os.sep, "/")  # shared, not copied
    # The parent's pre-optimised decoder file (`optimized`) is not this decoder: left out.
    decoder = {**{k: v for k, v in parent["decoder"].items() if k != "optimized"}, **file_entry(os.path.join(out_dir, "decoder.onnx"), out_dir)}
    parent_identity = f"{parent['name']}@{parent['version']}+{parent['encoder']['sha256'][:12]}.{parent['decoder']['sha256'][:12]}"
    best = run.get("best") or {}
    manifest = {
        # The parent's split (and an int8 parent's quantisation record) is not this decoder.
        **{k: v for k, v in parent.items() if k not in ("encoder", "decoder", "decoderSplit", "decoderQuantization")},
        "name": name or f"{parent['name']}-finetuned",
        "version": version or f"{parent['version']}-ft.{run['datasetManifestSha256'][:8]}",
        "description": (
            f"Mask decoder of {parent_identity} fine-tuned on {run['trainSlices']} slices of a site's own segmentations "
            f"(models/finetune; validation Dice {best.get('dice', float('nan')):.4f} on {run['validationSlices']} held-out slices). "
            f"Encoder shared with the parent. Parent: {parent['description']}"
        ),
        "encoder": encoder,
        "decoder": decoder,
        "parent": {
            "name": parent["name"],
            "version": parent["version"],
            "identity": parent_identity,
            "manifestSha256": run["parentManifestSha256"],
            "decoderSha256": parent["decoder"]["sha256"],
        },
        "finetune": {
            "datasetManifestSha256": run["datasetManifestSha256"],
            "trainingRecordSha256": sha256_file(os.path.join(run_dir, "training.json")),
            "settings": run["settings"],
            "decoderKind": run["decoderKind"],
            "bestEpoch": run["bestEpoch"],
            "validation": {"before": run.get("before"), "after": run.get("best"), "patients": run["validationPatients"]},
        },
    }
    write_json(os.path.join(out_dir, "manifest.json"), manifest)
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="the folder train.py wrote")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name")
    ap.add_argument("--version")
    args = ap.parse_args(argv)
    try:
        m = export_run(args.run, args.out, args.name, args.version)
    except CheckpointError as e:
        print(f"export.py: {e}", file=sys.stderr)
        return 2
    print(f"{args.out}/manifest.json: {m['name']}@{m['version']}, decoder {m['decoder']['sha256'][:12]}, encoder shared: {m['encoder']['file']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
