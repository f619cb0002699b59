#!/usr/bin/python3
"""The MedSAM .pth start path of models/finetune, without MedSAM (test/integration/finetune.medsam-checkpoint.test.ts).

    medsam_format_checkpoint.py make CHECKPOINT PARENT_DIR
        A checkpoint in MedSAM's format: SAM's image_encoder.* (here the test model's encoder weights), prompt_encoder.*
        and mask_decoder.* keys (seeded weights, models/finetune/tests/sam_reference.py); and the parent model it
        gives, exported as export_medsam.py would: PARENT_DIR/encoder.onnx (the test model's encoder, whose
        embeddings the dataset holds), decoder.onnx (this project's SAM export of the checkpoint), manifest.json.
        NOT MedSAM: random decoder weights.
    medsam_format_checkpoint.py check CHECKPOINT RUN_DIR CHILD_MANIFEST DATASET_DIR
        JSON: the fine-tuned decoder's ONNX logits against its torch logits on a dataset slice, and which SAM
        tensors training changed.
"""
from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "finetune"))
sys.path.insert(0, os.path.join(ROOT, "models", "finetune", "tests"))
from checkpoint import load_test_model_encoder  # noqa: E402
from decoders import MedSamMaskDecoder  # noqa: E402
from onnx_tools import run_onnx, write_stretch_1024_manifest  # noqa: E402
from sam_layout import to_sam_state  # noqa: E402
from sam_reference import seeded_sam_state  # noqa: E402

TEST_MODEL = os.path.join(ROOT, "models", "test-tiny")


def make(checkpoint, parent_dir):
    encoder = load_test_model_encoder(os.path.join(TEST_MODEL, "encoder.onnx"))
    state = {**{f"image_encoder.{k}": v for k, v in encoder.state_dict().items()}, **seeded_sam_state()}
    torch.save(state, checkpoint)
    os.makedirs(parent_dir, exist_ok=True)
    shutil.copyfile(os.path.join(TEST_MODEL, "encoder.onnx"), os.path.join(parent_dir, "encoder.onnx"))
    MedSamMaskDecoder(checkpoint).export(os.path.join(parent_dir, "decoder.onnx"))
    write_stretch_1024_manifest(parent_dir, name="medsam-format-test", version="0.0.1", test_model=True, description=(
        "NOT MedSAM: a checkpoint in MedSAM's format built by test/support/medsam_format_checkpoint.py (the test "
        "model's encoder, a SAM-shaped decoder with seeded random weights), for testing the fine-tuning start path."))
    return {"keys": len(state), "imageEncoderKeys": sum(k.startswith("image_encoder.") for k in state)}


def check(checkpoint, run_dir, child_manifest, dataset_dir):
    tuned = MedSamMaskDecoder(checkpoint).eval()
    tuned.load_state_dict(torch.load(os.path.join(run_dir, "decoder_state.pt"), map_location="cpu"))
    start = torch.load(checkpoint, map_location="cpu")
    after = to_sam_state(tuned.decoder)
    changed = sorted({k.split(".")[0] for k, v in after.items() if not torch.equal(v, start[k])})

    with open(os.path.join(dataset_dir, "dataset.json")) as f:
        case = json.load(f)["cases"][0]
    with np.load(os.path.join(dataset_dir, case["file"])) as z:
        embedding, gts = z["img_embeddings"][:1], z["gts"][0]
    ys, xs = np.nonzero(gts)
    box = np.array([xs.min(), ys.min(), xs.max(), ys.max()], np.float32) * 4  # 256 grid → 1024 model space
    with torch.no_grad():
        reference = tuned(torch.from_numpy(embedding), torch.from_numpy(box)[None]).numpy()
    with open(child_manifest) as f:
        decoder_file = os.path.join(os.path.dirname(child_manifest), json.load(f)["decoder"]["file"])
    out, _ = run_onnx(decoder_file, {
        "image_embeddings": embedding, "point_coords": box.reshape(1, 2, 2), "point_labels": np.array([[2.0, 3.0]], np.float32),
        "mask_input": np.zeros((1, 1, 256, 256), np.float32), "has_mask_input": np.zeros(1, np.float32),
        "orig_im_size": np.array([256.0, 256.0], np.float32)})
    return {"changedParts": changed, "onnxVsTorchMaxAbs": float(np.abs(out["low_res_masks"] - reference).max()),
            "logitsMaxAbs": float(np.abs(reference).max())}


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    print(json.dumps(make(*args) if command == "make" else check(*args)))
