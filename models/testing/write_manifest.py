#!/usr/bin/python3
"""Model manifests (core/src/pipeline/manifestTypes.ts): file hashes and sizes, and the test model's manifest.

    /usr/bin/python3 models/testing/write_manifest.py [models/test-tiny]   # re-hash the test model
"""
from __future__ import annotations

import os
import sys

# One implementation of hashes and manifest fields for every model script: models/export/onnx_tools.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "export"))
from onnx_tools import write_stretch_1024_manifest  # noqa: E402


def write_test_manifest(directory, version="1.0.0", split_outputs=None):
    return write_stretch_1024_manifest(
        directory,
        name="medsam-ohif-test-tiny",
        version=version,
        description=(
            "Small test model trained on synthetic CT phantoms (models/testing), NOT MedSAM. It has MedSAM's "
            "ONNX contract (1024x1024 encoder input, [1,256,64,64] embedding, SAM box decoder, one mask) so "
            "tests and the demo exercise a model that really segments; its results mean nothing clinically."
        ),
        test_model=True,
        split_outputs=split_outputs,
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-tiny")
    m = write_test_manifest(target)
    print(f"{target}/manifest.json: encoder {m['encoder']['bytes']} B, decoder {m['decoder']['bytes']} B")
