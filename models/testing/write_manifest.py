#!/usr/bin/python3
"""Model manifests (core/src/pipeline/manifestTypes.ts): file hashes and sizes, and the test model's manifest.

    /usr/bin/python3 models/testing/write_manifest.py [models/test-tiny]   # re-hash the test model
"""
from __future__ import annotations

import hashlib
import json
import os
import sys

SCHEMA = "medsam-ohif/model-manifest@1"
SAM_DECODER_INPUTS = {
    "embedding": "image_embeddings",
    "pointCoords": "point_coords",
    "pointLabels": "point_labels",
    "maskInput": "mask_input",
    "hasMaskInput": "has_mask_input",
    "origImSize": "orig_im_size",
}


def file_entry(directory, name):
    """{file, sha256, bytes} for a file next to the manifest."""
    h = hashlib.sha256()
    with open(os.path.join(directory, name), "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {"file": name, "sha256": h.hexdigest(), "bytes": os.path.getsize(os.path.join(directory, name))}


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_test_manifest(directory, version="1.0.0"):
    manifest = {
        "schema": SCHEMA,
        "name": "medsam-ohif-test-tiny",
        "version": version,
        "description": (
            "Small test model trained on synthetic CT phantoms (models/testing), NOT MedSAM. It has MedSAM's "
            "ONNX contract (1024x1024 encoder input, [1,256,64,64] embedding, SAM box decoder, one mask) so "
            "tests and the demo exercise a model that really segments; its results mean nothing clinically."
        ),
        "testModel": True,
        "profile": "medsam-stretch-1024",
        "inputSize": 1024,
        "embeddingDims": [1, 256, 64, 64],
        "lowResSize": 256,
        "encoder": {
            **file_entry(directory, "encoder.onnx"),
            "inputFormat": "float32-nchw",
            "inputs": {"image": "image"},
            "outputs": {"embedding": "image_embeddings"},
        },
        "decoder": {
            **file_entry(directory, "decoder.onnx"),
            "contract": "sam",
            "inputs": dict(SAM_DECODER_INPUTS),
            "outputs": {"lowResLogits": "low_res_masks"},
            "maskIndex": 0,
        },
    }
    write_json(os.path.join(directory, "manifest.json"), manifest)
    return manifest


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-tiny")
    m = write_test_manifest(target)
    print(f"{target}/manifest.json: encoder {m['encoder']['bytes']} B, decoder {m['decoder']['bytes']} B")
