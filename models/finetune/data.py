"""The dataset `medsam dataset` writes (dataset.json + one .npz per case), read for training.

Refuses, naming the file: a manifest of another schema or an unfinished run, a case file that is missing or
changed since it was written (SHA-256), arrays of the wrong shape, and embeddings made by another encoder than
the model being fine-tuned.
"""
from __future__ import annotations

import hashlib
import json
import os

import numpy as np

SCHEMA = "medsam-ohif/finetune-dataset@1"


class DatasetError(Exception):
    """A dataset that cannot be trained on: the message names the file."""


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(directory):
    path = os.path.join(directory, "dataset.json")
    try:
        with open(path) as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise DatasetError(f"{path}: not found (make the dataset with `medsam dataset`)") from None
    except json.JSONDecodeError as e:
        raise DatasetError(f"{path}: not valid JSON ({e})") from None
    if manifest.get("schema") != SCHEMA:
        raise DatasetError(f"{path}: schema {manifest.get('schema')!r}, expected {SCHEMA!r}")
    if not manifest.get("complete"):
        raise DatasetError(f"{path}: the dataset run did not finish; run the same `medsam dataset` command again to complete it")
    return path, manifest


def check_encoder(manifest_path, dataset, model_manifest, model_manifest_path):
    """The embeddings must come from the encoder the fine-tuned decoder will run behind."""
    enc = dataset["encoder"]
    want = model_manifest["encoder"]["sha256"]
    if enc["encoderSha256"] != want:
        raise DatasetError(
            f"{manifest_path}: its embeddings come from another encoder ({enc['modelName']}@{enc['modelVersion']}, "
            f"encoder SHA-256 {enc['encoderSha256'][:12]}…) than {model_manifest_path} "
            f"({model_manifest['name']}@{model_manifest['version']}, encoder {want[:12]}…): rebuild the dataset with that model"
        )
    if enc["profile"] != model_manifest["profile"] or enc["inputSize"] != model_manifest["inputSize"]:
        raise DatasetError(f"{manifest_path}: preprocessing {enc['profile']}/{enc['inputSize']} differs from {model_manifest_path}")


def load_split(directory, dataset, split, verify=True):
    """All slices of one split: embeddings [n,256,64,64] float32, masks [n,256,256] uint8, and per slice
    (case id, label, patient)."""
    embeddings, masks, meta = [], [], []
    for case in dataset["cases"]:
        if case["split"] != split:
            continue
        path = os.path.join(directory, case["file"])
        if not os.path.exists(path):
            raise DatasetError(f"{path}: case file missing (case {case['id']})")
        if verify and sha256_file(path) != case["sha256"]:
            raise DatasetError(f"{path}: changed since `medsam dataset` wrote it (SHA-256 differs from dataset.json)")
        try:
            with np.load(path) as z:
                emb, gts = z["img_embeddings"], z["gts"]
        except Exception as e:
            raise DatasetError(f"{path}: not a readable .npz with img_embeddings and gts ({type(e).__name__}: {e})") from None
        n = len(case["slices"])
        if emb.shape != (n, 256, 64, 64) or emb.dtype != np.float32 or gts.shape != (n, 256, 256):
            raise DatasetError(f"{path}: arrays {emb.shape} {emb.dtype} / {gts.shape}, expected ({n}, 256, 64, 64) float32 / ({n}, 256, 256)")
        embeddings.append(emb)
        masks.append(gts)
        meta += [(case["id"], case["label"], case["patientId"])] * n
    if not embeddings:
        return np.zeros((0, 256, 64, 64), np.float32), np.zeros((0, 256, 256), np.uint8), []
    return np.concatenate(embeddings), np.concatenate(masks), meta
