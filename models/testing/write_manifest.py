#!/usr/bin/python3
"""Model manifests (core/src/pipeline/manifestTypes.ts): file hashes and sizes, and the test model's manifest.

    /usr/bin/python3 models/testing/write_manifest.py [models/test-tiny]   # re-hash the test model
"""
from __future__ import annotations

import os
import sys

# One implementation of hashes and manifest fields for every model script: models/export/onnx_tools.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "export"))
from onnx_tools import MANIFEST_SCHEMA, SAM_DECODER_INPUTS, file_entry, write_json  # noqa: E402


def write_test_manifest(directory, version="1.0.0"):
    manifest = {
        "schema": MANIFEST_SCHEMA,
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
            **file_entry(os.path.join(directory, "encoder.onnx"), directory),
            "inputFormat": "float32-nchw",
            "inputs": {"image": "image"},
            "outputs": {"embedding": "image_embeddings"},
        },
        "decoder": {
            **file_entry(os.path.join(directory, "decoder.onnx"), directory),
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
