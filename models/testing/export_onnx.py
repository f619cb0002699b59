#!/usr/bin/python3
"""Export the tiny model to the two ONNX files of MedSAM's contract (opset 17, fixed encoder shapes) and
write its manifest. Use Debian's torch 1.13 (/usr/bin/python3): torch 2.x's exporter builds other graphs.

    /usr/bin/python3 models/testing/export_onnx.py --weights /tmp/medsam-ohif-test-tiny/weights.npz
"""
from __future__ import annotations

import argparse
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_model import INPUT_SIZE, SamContractDecoder, load_weights  # noqa: E402
from write_manifest import write_test_manifest  # noqa: E402

OPSET = 17


def export_decoder(decoder, dec_path, embedding=None):
    """The decoder alone in SAM's ONNX contract (also used by models/finetune/ for a fine-tuned decoder)."""
    decoder.eval()
    with torch.no_grad():
        feeds = (
            embedding if embedding is not None else torch.rand(1, 256, 64, 64),
            torch.tensor([[[100.0, 200.0], [400.0, 500.0]]]),
            torch.tensor([[2.0, 3.0]]),
            torch.zeros(1, 1, 256, 256),
            torch.zeros(1),
            torch.tensor([512.0, 512.0]),
        )
        torch.onnx.export(
            SamContractDecoder(decoder), feeds, dec_path, opset_version=OPSET,
            input_names=["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input",
                         "orig_im_size"],
            output_names=["masks", "iou_predictions", "low_res_masks"],
            # N (number of points) is dynamic, as in SAM's export; masks follow orig_im_size.
            dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"},
                          "masks": {2: "height", 3: "width"}},
        )
    onnx.checker.check_model(onnx.load(dec_path))
    return dec_path


def export(encoder, decoder, out_dir):
    encoder.eval()
    enc_path = os.path.join(out_dir, "encoder.onnx")
    dec_path = os.path.join(out_dir, "decoder.onnx")
    with torch.no_grad():
        image = torch.rand(1, 3, INPUT_SIZE, INPUT_SIZE)
        torch.onnx.export(
            encoder, (image,), enc_path, opset_version=OPSET,
            input_names=["image"], output_names=["image_embeddings"],
        )
        embedding = encoder(image)
    onnx.checker.check_model(onnx.load(enc_path))
    export_decoder(decoder, dec_path, embedding)
    return enc_path, dec_path


def export_and_describe(weights, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    enc, dec = load_weights(weights)
    export(enc, dec, out_dir)
    m = write_test_manifest(out_dir)
    print(f"exported to {os.path.abspath(out_dir)}: encoder {m['encoder']['bytes']} B, "
          f"decoder {m['decoder']['bytes']} B")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default="/tmp/medsam-ohif-test-tiny/weights.npz")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-tiny"))
    args = ap.parse_args()
    export_and_describe(args.weights, args.out)
