"""Helpers shared by export_medsam.py and wrap_uint8_encoder.py: file hashes, the model manifest
(core/src/pipeline/manifestTypes.ts), and running an ONNX model through onnxruntime-node (ort_run.cjs),
because Debian's python3 has no onnxruntime.

Only the standard library and numpy are imported here, so the scripts that need neither torch nor onnx
(and their tests) can use it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, "ort_run.cjs")

MANIFEST_SCHEMA = "medsam-ohif/model-manifest@1"

#: The six roles of SAM's ONNX decoder contract and the names Meta's export (and ours) gives them.
SAM_DECODER_INPUTS = {
    "embedding": "image_embeddings",
    "pointCoords": "point_coords",
    "pointLabels": "point_labels",
    "maskInput": "mask_input",
    "hasMaskInput": "has_mask_input",
    "origImSize": "orig_im_size",
}


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_entry(path: str, relative_to: str) -> dict:
    """{file, sha256, bytes} for a model file, its path relative to the manifest's directory."""
    return {
        "file": os.path.relpath(path, relative_to).replace(os.sep, "/"),
        "sha256": sha256_file(path),
        "bytes": os.path.getsize(path),
    }


def decoder_split_entry(directory: str, image_outputs: list) -> dict:
    """The manifest's `decoderSplit`: decoder_image.onnx (the embedding -> `image_outputs`, once per
    embedding) and decoder_prompt.onnx (the decoder's prompt inputs + those outputs -> the same low-res logits,
    per box, no mask prompt), both in `directory` (models/export/split_decoder.py)."""
    return {
        "image": {**file_entry(os.path.join(directory, "decoder_image.onnx"), directory), "outputs": list(image_outputs)},
        "prompt": file_entry(os.path.join(directory, "decoder_prompt.onnx"), directory),
    }


def write_stretch_1024_manifest(directory: str, *, name: str, version: str, description: str, test_model: bool,
                                split_outputs: list | None = None) -> dict:
    """Writes and returns `manifest.json` for an encoder.onnx/decoder.onnx pair in `directory` with MedSAM
    ViT-B's contract: 1024 stretch profile, float32 NCHW `image` → `image_embeddings` [1,256,64,64], SAM's
    decoder inputs, `low_res_masks` [1,1,256,256], mask token 0."""
    return write_sam_manifest(directory, name=name, version=version, description=description, test_model=test_model,
                              profile="medsam-stretch-1024", input_size=1024, split_outputs=split_outputs)


def write_sam_manifest(directory: str, *, name: str, version: str, description: str, test_model: bool,
                       profile: str, input_size: int, split_outputs: list | None = None) -> dict:
    """`manifest.json` for a float32 NCHW encoder.onnx ([1,3,S,S] → [1,256,64,64]) and a SAM-contract
    decoder.onnx (mask token 0) in `directory`, for a preprocessing profile of the core; with `split_outputs`,
    also the split decoder beside them (decoder_split_entry)."""
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "name": name,
        "version": version,
        "description": description,
        "testModel": test_model,
        "profile": profile,
        "inputSize": input_size,
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
    if split_outputs:
        manifest["decoderSplit"] = decoder_split_entry(directory, split_outputs)
    write_json(os.path.join(directory, "manifest.json"), manifest)
    return manifest


def write_json(path: str, obj) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


# --------------------------------------------------------------------------------------------------
# onnxruntime-node

_NP_TYPES = {"float32": "float32", "uint8": "uint8", "int64": "int64", "int32": "int32", "float64": "float64"}


def node_available() -> str | None:
    """None when `node` can load onnxruntime-node from this repository, else the reason it cannot."""
    node = shutil.which("node")
    if node is None:
        return "node is not on PATH"
    probe = subprocess.run(
        [node, "-e", "require('onnxruntime-node')"], cwd=HERE, capture_output=True, text=True
    )
    if probe.returncode != 0:
        return "onnxruntime-node cannot be loaded (run npm install in the repository): " + probe.stderr.strip()[-300:]
    return None


def optimize_decoder_files(manifest_path: str) -> str:
    """Runs optimize_decoder.mjs on a written manifest: the decoder (and split parts) saved already optimised
    by onnxruntime, for the browser's WASM runtime (manifest `optimized`). Returns a line for the log."""
    reason = node_available()
    if reason is not None:
        return f"decoder not optimised ahead of time ({reason}); run node models/export/optimize_decoder.mjs {manifest_path} later"
    proc = subprocess.run(["node", os.path.join(HERE, "optimize_decoder.mjs"), manifest_path], cwd=HERE, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"optimize_decoder.mjs failed on {manifest_path}:\n{proc.stderr.strip()[-2000:]}")
    return "decoder optimised ahead of time: " + proc.stdout.strip().splitlines()[-1]


def run_onnx(model_path: str, feeds: dict, outputs: list | None = None) -> tuple[dict, dict]:
    """Runs `model_path` on numpy arrays with onnxruntime-node (CPU).

    Returns ({output name: numpy array}, info) where info holds the session's input/output metadata
    and createMs/runMs.
    """
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="ort_run_") as tmp:
        job = {"model": os.path.abspath(model_path), "feeds": {}, "outDir": os.path.join(tmp, "out")}
        if outputs is not None:
            job["outputs"] = list(outputs)
        for i, (name, array) in enumerate(feeds.items()):
            array = np.ascontiguousarray(array)
            kind = _NP_TYPES.get(array.dtype.name)
            if kind is None:
                raise TypeError(f"feed {name}: unsupported dtype {array.dtype}")
            file = os.path.join(tmp, f"in{i}.bin")
            array.astype(array.dtype.newbyteorder("<"), copy=False).tofile(file)
            job["feeds"][name] = {"file": file, "type": kind, "dims": list(array.shape)}
        job_file = os.path.join(tmp, "job.json")
        write_json(job_file, job)
        proc = subprocess.run(["node", ORT_RUN, job_file], cwd=HERE, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed on {model_path}:\n{proc.stderr.strip()}")
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        results = {}
        for name, spec in info.pop("results").items():
            data = np.fromfile(spec["file"], dtype=np.dtype(spec["type"]).newbyteorder("<"))
            results[name] = data.reshape(spec["dims"])
        return results, info
