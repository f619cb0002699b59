#!/usr/bin/python3
"""Representative benchmark models with RANDOM weights (NOT MedSAM, NOT LiteMedSAM), plus their manifest. Needs
Debian's torch 1.13 and onnx (`apt-get install -y python3-torch python3-onnx`; run with /usr/bin/python3).

    /usr/bin/python3 bench/python/make_models.py bench/models/medsam-shaped [--version V]
    /usr/bin/python3 bench/python/make_models.py bench/models/litemedsam-shaped --shape litemedsam [--version V]

medsam (default): a ViT-B-shaped encoder (encoder.onnx, ~360 MB) and a SAM-sized decoder (~16 MB) with MedSAM's
ONNX contract (1024 input). litemedsam: a TinyViT-shaped encoder with LiteMedSAM's dimensions (~23 MB) and the
same SAM-sized decoder taking points in 256 space, profile litemedsam-longest-256. Written into the folder
(git-ignored) with decoder_image.onnx + decoder_prompt.onnx (the split decoder) and manifest.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sam_decoder import SamSizedDecoder  # noqa: E402
from sam_decoder_split import IMAGE_OUTPUTS, ImagePart, PromptPart  # noqa: E402
from tinyvit_encoder import TinyVitEncoder  # noqa: E402
from vitb_encoder import VitBEncoder  # noqa: E402

OPSET = 17
DECODER_INPUTS = ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"]


def file_entry(directory, name):
    h = hashlib.sha256()
    with open(os.path.join(directory, name), "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {"file": name, "sha256": h.hexdigest(), "bytes": os.path.getsize(os.path.join(directory, name))}


# What differs between the two shapes: encoder, input side (the decoder's point space), manifest identity.
SHAPES = {
    "medsam": {"encoder": VitBEncoder, "input": 1024, "name": "bench-medsam-shaped-random", "profile": "medsam-stretch-1024",
               "what": "NOT MedSAM: a ViT-B-shaped encoder ({enc} M parameters) and a SAM-sized decoder ({dec} M) with "
                       "MedSAM's ONNX contract"},
    "litemedsam": {"encoder": TinyVitEncoder, "input": 256, "name": "bench-litemedsam-shaped-random",
                   "profile": "litemedsam-longest-256",
                   "what": "NOT LiteMedSAM: a TinyViT-shaped encoder with LiteMedSAM's dimensions ({enc} M parameters; "
                           "embed dims 64/128/160/320, depths 2/2/6/2, heads 2/4/5/10, windows 7/7/14/7, 256 input) and "
                           "a SAM-sized decoder ({dec} M) with LiteMedSAM's ONNX contract"},
}


def export_encoder(path, shape):
    model = SHAPES[shape]["encoder"]().eval()
    params = sum(p.numel() for p in model.parameters())
    size = SHAPES[shape]["input"]
    with torch.no_grad():
        torch.onnx.export(model, (torch.rand(1, 3, size, size),), path, opset_version=OPSET,
                          input_names=["image"], output_names=["image_embeddings"])
    return params


def export_split(model, directory, embedding):
    """decoder_image.onnx + decoder_prompt.onnx: the same decoder split (sam_decoder_split.py)."""
    image_part, prompt_part = ImagePart(model).eval(), PromptPart(model).eval()
    with torch.no_grad():
        torch.onnx.export(image_part, (embedding,), os.path.join(directory, "decoder_image.onnx"), opset_version=OPSET,
                          input_names=["image_embeddings"], output_names=IMAGE_OUTPUTS)
        feeds = (embedding, torch.tensor([[[100.0, 200.0], [400.0, 500.0]]]), torch.tensor([[2.0, 3.0]]),
                 *image_part(embedding))
        torch.onnx.export(prompt_part, feeds, os.path.join(directory, "decoder_prompt.onnx"), opset_version=OPSET,
                          input_names=["image_embeddings", "point_coords", "point_labels", *IMAGE_OUTPUTS],
                          output_names=["low_res_masks", "iou_predictions"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}})


def export_decoder(path, shape):
    model = SamSizedDecoder(SHAPES[shape]["input"]).eval()
    params = sum(p.numel() for p in model.parameters())
    feeds = (
        torch.randn(1, 256, 64, 64),
        torch.tensor([[[100.0, 200.0], [400.0, 500.0]]]),
        torch.tensor([[2.0, 3.0]]),
        torch.zeros(1, 1, 256, 256),
        torch.zeros(1),
        torch.tensor([512.0, 512.0]),
    )
    with torch.no_grad():
        torch.onnx.export(model, feeds, path, opset_version=OPSET, input_names=DECODER_INPUTS,
                          output_names=["masks", "iou_predictions", "low_res_masks"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"},
                                        "masks": {2: "height", 3: "width"}})
    export_split(model, os.path.dirname(path), feeds[0])
    return params


def write_manifest(directory, shape, version, encoder_params, decoder_params):
    s = SHAPES[shape]
    what = s["what"].format(enc=f"{encoder_params / 1e6:.2f}", dec=f"{decoder_params / 1e6:.2f}")
    manifest = {
        "schema": "medsam-ohif/model-manifest@1",
        "name": s["name"],
        "version": version,
        "description": f"Benchmark model with RANDOM weights, {what}. Its masks mean nothing; only its timings and memory do.",
        "testModel": True,
        "profile": s["profile"],
        "inputSize": s["input"],
        "embeddingDims": [1, 256, 64, 64],
        "lowResSize": 256,
        "encoder": {**file_entry(directory, "encoder.onnx"), "inputFormat": "float32-nchw",
                    "inputs": {"image": "image"}, "outputs": {"embedding": "image_embeddings"}},
        "decoder": {**file_entry(directory, "decoder.onnx"), "contract": "sam",
                    "inputs": {"embedding": "image_embeddings", "pointCoords": "point_coords",
                               "pointLabels": "point_labels", "maskInput": "mask_input",
                               "hasMaskInput": "has_mask_input", "origImSize": "orig_im_size"},
                    "outputs": {"lowResLogits": "low_res_masks"}, "maskIndex": 0},
        "decoderSplit": {"image": {**file_entry(directory, "decoder_image.onnx"), "outputs": IMAGE_OUTPUTS},
                         "prompt": file_entry(directory, "decoder_prompt.onnx")},
    }
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--version", default="random-1")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="medsam")
    ap.add_argument("--decoder-only", action="store_true", help="the decoder (and its split) alone, no manifest")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    t = time.time()
    decoder_params = export_decoder(os.path.join(args.out, "decoder.onnx"), args.shape)
    if args.decoder_only:
        return
    encoder_params = export_encoder(os.path.join(args.out, "encoder.onnx"), args.shape)
    write_manifest(args.out, args.shape, args.version, encoder_params, decoder_params)
    print(json.dumps({"encoderParams": encoder_params, "decoderParams": decoder_params, "seconds": round(time.time() - t, 1)}))


if __name__ == "__main__":
    main()
