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
from tiny_model import INPUT_SIZE, LOW_RES, SamContractDecoder, box_from_points, load_weights  # noqa: E402
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


#: The split decoder (see models/export/split_decoder.py for SAM's): the image part's outputs, in order.
SPLIT_IMAGE_OUTPUTS = ["reduced", "fine"]


class TinyDecoderImagePart(torch.nn.Module):
    """What the decoder computes from the embedding alone: the 1x1 reduction and the fine features."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings):
        return self.decoder.reduce(image_embeddings), self.decoder.fine_features(image_embeddings)


class TinyDecoderPromptPart(torch.nn.Module):
    """The rest, per box, with no mask prompt (SamContractDecoder's prior is 0 when has_mask_input is 0)."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, point_coords, point_labels, reduced, fine):
        box = box_from_points(point_coords, point_labels)
        prior = torch.zeros(reduced.shape[0], 1, LOW_RES, LOW_RES, dtype=reduced.dtype)
        low_res, iou = self.decoder(None, box, prior, fine=fine, reduced=reduced)
        return low_res, iou


def export_decoder_split(decoder, out_dir, embedding=None):
    """decoder_image.onnx (once per embedding) and decoder_prompt.onnx (per box) beside decoder.onnx."""
    decoder.eval()
    emb = embedding if embedding is not None else torch.rand(1, 256, 64, 64)
    image_part, prompt_part = TinyDecoderImagePart(decoder).eval(), TinyDecoderPromptPart(decoder).eval()
    with torch.no_grad():
        torch.onnx.export(image_part, (emb,), os.path.join(out_dir, "decoder_image.onnx"), opset_version=OPSET,
                          input_names=["image_embeddings"], output_names=SPLIT_IMAGE_OUTPUTS)
        feeds = (torch.tensor([[[100.0, 200.0], [400.0, 500.0]]]), torch.tensor([[2.0, 3.0]]), *image_part(emb))
        torch.onnx.export(prompt_part, feeds, os.path.join(out_dir, "decoder_prompt.onnx"), opset_version=OPSET,
                          input_names=["point_coords", "point_labels", *SPLIT_IMAGE_OUTPUTS],
                          output_names=["low_res_masks", "iou_predictions"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}})
    for name in ("decoder_image.onnx", "decoder_prompt.onnx"):
        onnx.checker.check_model(onnx.load(os.path.join(out_dir, name)))
    return SPLIT_IMAGE_OUTPUTS


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
    export_decoder_split(decoder, out_dir, embedding)
    return enc_path, dec_path


def split_from_onnx(out_dir):
    """Adds the split decoder to an exported test model (its weights read back from decoder.onnx) and the
    `decoderSplit` entry to manifest.json (and manifest_u8.json, which shares the decoder)."""
    import json

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "finetune"))
    from checkpoint import load_test_model_decoder  # noqa: E402
    from onnx_tools import decoder_split_entry, write_json  # noqa: E402

    decoder = load_test_model_decoder(os.path.join(out_dir, "decoder.onnx"))
    outputs = export_decoder_split(decoder, out_dir, torch.rand(1, 256, 64, 64))
    entry = decoder_split_entry(out_dir, outputs)
    for name in ("manifest.json", "manifest_u8.json"):
        path = os.path.join(out_dir, name)
        if os.path.exists(path):
            with open(path) as f:
                manifest = json.load(f)
            manifest["decoderSplit"] = entry
            write_json(path, manifest)
    print(f"split decoder written to {os.path.abspath(out_dir)}")


def export_and_describe(weights, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    enc, dec = load_weights(weights)
    export(enc, dec, out_dir)
    m = write_test_manifest(out_dir, split_outputs=SPLIT_IMAGE_OUTPUTS)
    print(f"exported to {os.path.abspath(out_dir)}: encoder {m['encoder']['bytes']} B, "
          f"decoder {m['decoder']['bytes']} B")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default="/tmp/medsam-ohif-test-tiny/weights.npz")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-tiny"))
    ap.add_argument("--split-only", action="store_true",
                    help="only add the split decoder, read back from the --out folder's decoder.onnx weights")
    args = ap.parse_args()
    if args.split_only:
        split_from_onnx(args.out)
    else:
        export_and_describe(args.weights, args.out)
