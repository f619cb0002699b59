#!/usr/bin/python3
"""Export medsam-ohif-test-tiny-256 (NOT LiteMedSAM) to LiteMedSAM's ONNX contract, write its manifest, and
wrap its encoder for the embedding service (manifest_u8.json). Debian's torch 1.13 (/usr/bin/python3).

    /usr/bin/python3 models/testing/export_onnx_256.py --weights /tmp/medsam-ohif-test-tiny-256/weights256.npz
"""
from __future__ import annotations

import argparse
import os
import sys

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "export"))
from export_medsam import finalize_onnx  # noqa: E402
from onnx_tools import SAM_DECODER_INPUTS, write_sam_manifest  # noqa: E402
from tiny_model_256 import INPUT_SIZE, SamContractDecoder256, load_weights_256  # noqa: E402
import wrap_uint8_encoder  # noqa: E402

OPSET = 17
NAME = "medsam-ohif-test-tiny-256"
DESCRIPTION = (
    "Small test model trained on synthetic CT phantoms (models/testing), NOT LiteMedSAM and NOT MedSAM. It has "
    "LiteMedSAM's ONNX contract (256x256 encoder input: longest side 256, min-max, zero padding; [1,256,64,64] "
    "embedding; SAM box decoder in 256 space, one mask) so tests and the demo exercise the 256 profile with a "
    "model that really segments; its results mean nothing clinically."
)


def export_all(weights, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    enc, dec = load_weights_256(weights)
    enc_path, dec_path = os.path.join(out_dir, "encoder.onnx"), os.path.join(out_dir, "decoder.onnx")
    with torch.no_grad():
        image = torch.rand(1, 3, INPUT_SIZE, INPUT_SIZE)
        torch.onnx.export(enc, (image,), enc_path, opset_version=OPSET, input_names=["image"],
                          output_names=["image_embeddings"])
        feeds = (enc(image), torch.tensor([[[30.0, 40.0], [120.0, 200.0]]]), torch.tensor([[2.0, 3.0]]),
                 torch.zeros(1, 1, 256, 256), torch.zeros(1), torch.tensor([300.0, 400.0]))
        torch.onnx.export(SamContractDecoder256(dec), feeds, dec_path, opset_version=OPSET,
                          input_names=list(SAM_DECODER_INPUTS.values()),
                          output_names=["low_res_masks", "iou_predictions"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}})
    onnx.checker.check_model(onnx.load(enc_path))
    # orig_im_size is unused (the core post-processes low_res_masks): put it back so the contract is complete.
    finalize_onnx(dec_path, {"medsam.test_model": NAME}, {"low_res_masks": [1, 1, 256, 256], "iou_predictions": [1, 1]},
                  keep_inputs=[("orig_im_size", onnx.TensorProto.FLOAT, [2])])
    m = write_sam_manifest(out_dir, name=NAME, version="1.0.0", description=DESCRIPTION, test_model=True,
                           profile="litemedsam-longest-256", input_size=INPUT_SIZE)
    print(f"exported to {os.path.abspath(out_dir)}: encoder {m['encoder']['bytes']} B, decoder {m['decoder']['bytes']} B")
    status = wrap_uint8_encoder.main([os.path.join(out_dir, "manifest.json"), "--check"])
    if status:
        raise SystemExit("the wrapped encoder does not reproduce the float32 one")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default="/tmp/medsam-ohif-test-tiny-256/weights256.npz")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "test-tiny-256"))
    args = ap.parse_args()
    export_all(args.weights, args.out)
