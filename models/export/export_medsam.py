#!/usr/bin/env python3
"""Export the official MedSAM ViT-B checkpoint to this project's ONNX contract.

    python models/export/export_medsam.py --checkpoint medsam_vit_b.pth --out models/medsam-vit-b [--check]

Needs torch, onnx, numpy and the `segment_anything` package of MedSAM's repository (bowang-lab/MedSAM,
`pip install -e .` in a clone); `--check` also needs node and this repository's onnxruntime-node.

Writes into --out:
  encoder.onnx   image [1,3,1024,1024] float32 in [0,1]  ->  image_embeddings [1,256,64,64]
                 (MedSAM's image encoder alone: MedSAM uses no SAM pixel mean/std, no padding)
  decoder.onnx   SAM's ONNX decoder contract, FIXED TO MASK TOKEN 0 (MedSAM's multimask_output=False):
                 image_embeddings, point_coords [1,N,2], point_labels [1,N], mask_input [1,1,256,256],
                 has_mask_input [1], orig_im_size [2]  ->  low_res_masks [1,1,256,256], iou_predictions [1,1]
  manifest.json  the model manifest (core/src/pipeline/manifestTypes.ts) with both files' SHA-256
  export_info.json  provenance: checkpoint SHA-256, library versions, and the --check results

There is deliberately no full-size `masks` output (see README.md): SAM's `masks` crops as if the image had been
resized longest-side-first and thresholds logits, while MedSAM stretches and thresholds resized
probabilities; the product post-processes `low_res_masks` itself.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
import warnings

import numpy as np
import onnx
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_tools import SAM_DECODER_INPUTS, node_available, optimize_decoder_files, run_onnx, sha256_file, write_json, write_stretch_1024_manifest  # noqa: E402
from split_decoder import IMAGE_FILE, PROMPT_FILE, export_split_decoder  # noqa: E402

OPSET = 17
INPUT_SIZE = 1024
LOW_RES = 256
EMBEDDING_DIMS = [1, 256, 64, 64]
MASK_INDEX = 0
#: --check fails when |onnx - torch| > CHECK_TOLERANCE * max(1, max |torch|) for the embedding or the logits
#: (absolute 1e-3 for values up to 1, relative beyond: MedSAM's logits reach tens).
CHECK_TOLERANCE = 1e-3
#: The split decoder must give the unsplit decoder's logits (same ONNX runtime) within this x max(1, max |logit|).
SPLIT_TOLERANCE = 1e-5


class MedSamDecoder(nn.Module):
    """SAM's prompt encoder and mask decoder behind SAM's ONNX decoder signature, returning mask token 0.

    Points are embedded as SAM's prompt encoder does: +0.5 (pixel centre), divided by the input size,
    random-Fourier positional encoding; label -1 (padding) replaces the encoding by `not_a_point_embed`,
    labels 0/1 (background/foreground point) and 2/3 (box top-left/bottom-right) add the matching
    `point_embeddings[label]`. A box fed as two points labelled 2 and 3 therefore gives exactly the sparse
    embedding of `prompt_encoder(boxes=...)`. The mask prompt is blended with has_mask_input (0 gives the
    `no_mask_embed`, exactly as masks=None). Labels are compared as floats, so no data-dependent control
    flow is traced.
    """

    def __init__(self, sam, mask_index: int = MASK_INDEX):
        super().__init__()
        self.prompt_encoder = sam.prompt_encoder
        self.mask_decoder = sam.mask_decoder
        self.input_size = float(sam.image_encoder.img_size)
        self.mask_index = mask_index

    def embed_points(self, point_coords: torch.Tensor, point_labels: torch.Tensor) -> torch.Tensor:
        pe = self.prompt_encoder.pe_layer._pe_encoding((point_coords + 0.5) / self.input_size)  # [1,N,256]
        labels = point_labels.unsqueeze(-1)  # [1,N,1]
        is_padding = (labels == -1).to(pe.dtype)
        out = pe * (1.0 - is_padding) + self.prompt_encoder.not_a_point_embed.weight * is_padding
        for label, embedding in enumerate(self.prompt_encoder.point_embeddings):
            out = out + embedding.weight * (labels == label).to(pe.dtype)
        return out

    def embed_mask(self, mask_input: torch.Tensor, has_mask_input: torch.Tensor) -> torch.Tensor:
        has = has_mask_input.reshape(-1, 1, 1, 1)
        no_mask = self.prompt_encoder.no_mask_embed.weight.reshape(1, -1, 1, 1)
        return has * self.prompt_encoder.mask_downscaling(mask_input) + (1.0 - has) * no_mask

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        # orig_im_size is part of the contract the core feeds, but nothing here depends on it (no `masks`
        # output); it stays a graph input (see finalize_onnx).
        sparse = self.embed_points(point_coords, point_labels)
        dense = self.embed_mask(mask_input, has_mask_input)
        masks, iou = self.mask_decoder.predict_masks(
            image_embeddings=image_embeddings,
            image_pe=self.prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
        )
        k = self.mask_index
        return masks[:, k : k + 1, :, :], iou[:, k : k + 1]


# --------------------------------------------------------------------------------------------------
# export


def load_medsam(checkpoint: str):
    try:
        from segment_anything import sam_model_registry
    except ImportError as e:
        sys.exit(
            f"cannot import segment_anything ({e}). Install MedSAM's repository in this Python environment: "
            "git clone https://github.com/bowang-lab/MedSAM && pip install -e MedSAM"
        )
    sam = sam_model_registry["vit_b"](checkpoint=checkpoint)
    sam.eval()
    return sam


def finalize_onnx(path: str, metadata: dict, output_dims: dict, keep_inputs=()) -> None:
    """Post-export touches, in one load/save: provenance in metadata_props; static output shapes (the tracer
    leaves them symbolic; the contract fixes them, and Triton and the core's contract check read them); and
    inputs torch.onnx.export dropped because the graph never reads them, put back so the contract is complete."""
    model = onnx.load(path)
    graph = model.graph
    existing = {p.key: p for p in model.metadata_props}
    for key, value in metadata.items():
        if key in existing:
            existing[key].value = str(value)
        else:
            model.metadata_props.add(key=key, value=str(value))
    for output in graph.output:
        if output.name in output_dims:
            shape = output.type.tensor_type.shape
            del shape.dim[:]
            for d in output_dims[output.name]:
                shape.dim.add().dim_value = d
    names = {i.name for i in graph.input}
    for name, elem_type, dims in keep_inputs:
        if name not in names:
            graph.input.append(onnx.helper.make_tensor_value_info(name, elem_type, dims))
    onnx.save(model, path)
    onnx.checker.check_model(path)


def _exporter_options() -> dict:
    """TorchScript-based export everywhere: torch >= 2.9 defaults to the dynamo exporter, which handles
    dynamic_axes and unused inputs differently."""
    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def export_encoder(sam, path: str) -> None:
    image = torch.rand(1, 3, INPUT_SIZE, INPUT_SIZE)
    with torch.no_grad():
        torch.onnx.export(
            sam.image_encoder, (image,), path, opset_version=OPSET, do_constant_folding=True,
            input_names=["image"], output_names=["image_embeddings"], **_exporter_options(),
        )


def decoder_example_feeds():
    return (
        torch.randn(*EMBEDDING_DIMS),
        torch.tensor([[[100.0, 200.0], [400.0, 500.0]]]),
        torch.tensor([[2.0, 3.0]]),
        torch.zeros(1, 1, LOW_RES, LOW_RES),
        torch.zeros(1),
        torch.tensor([512.0, 512.0]),
    )


def export_decoder(sam, path: str) -> None:
    module = MedSamDecoder(sam).eval()
    with torch.no_grad():
        torch.onnx.export(
            module, decoder_example_feeds(), path, opset_version=OPSET, do_constant_folding=True,
            input_names=list(SAM_DECODER_INPUTS.values()),
            output_names=["low_res_masks", "iou_predictions"],
            dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
            **_exporter_options(),
        )


def write_manifest(out_dir: str, name: str, version: str, checkpoint_sha: str, split_outputs=None) -> dict:
    return write_stretch_1024_manifest(
        out_dir,
        name=name,
        version=version,
        description=(
            "MedSAM ViT-B (Ma et al. 2024, bowang-lab/MedSAM), exported by models/export/export_medsam.py from "
            f"a checkpoint with SHA-256 {checkpoint_sha[:16]}... . Encoder: MedSAM's image encoder on a "
            "[0,1] min-max image (no SAM mean/std). Decoder: SAM's ONNX contract fixed to mask token 0 "
            "(multimask_output=False), box as two points labelled 2 and 3."
        ),
        test_model=False,
        split_outputs=split_outputs,
    )


def check_split(out_dir: str, embedding: np.ndarray, box_1024) -> float:
    """Largest |logit| difference between decoder.onnx and decoder_image.onnx + decoder_prompt.onnx."""
    coords = np.array([[[box_1024[0], box_1024[1]], [box_1024[2], box_1024[3]]]], np.float32)
    labels = np.array([[2.0, 3.0]], np.float32)
    full, _ = run_onnx(os.path.join(out_dir, "decoder.onnx"), {
        "image_embeddings": embedding, "point_coords": coords, "point_labels": labels,
        "mask_input": np.zeros((1, 1, LOW_RES, LOW_RES), np.float32), "has_mask_input": np.zeros(1, np.float32),
        "orig_im_size": np.array([LOW_RES, LOW_RES], np.float32)}, ["low_res_masks"])
    features, _ = run_onnx(os.path.join(out_dir, IMAGE_FILE), {"image_embeddings": embedding})
    split, _ = run_onnx(os.path.join(out_dir, PROMPT_FILE), {
        "image_embeddings": embedding, "point_coords": coords, "point_labels": labels, **features}, ["low_res_masks"])
    return float(np.abs(full["low_res_masks"] - split["low_res_masks"]).max())


# --------------------------------------------------------------------------------------------------
# --check


def synthetic_case(rows: int = 600, cols: int = 800, seed: int = 0):
    """A grey uint8 image (an ellipse and a rectangle on a gradient, with noise) and a box around the ellipse,
    in original pixels, prepared as MedSAM_Inference.py does. The resize is a plain bilinear one (the check
    compares two runtimes on the same tensor; MedSAM's cubic resize is the core's business)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    img = 40 + 60 * x / cols
    img += 120 * (((x - 300) / 140) ** 2 + ((y - 280) / 90) ** 2 < 1)
    img += 70 * ((x > 520) & (x < 700) & (y > 380) & (y < 540))
    img += rng.normal(0, 6, img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    box = np.array([150.0, 180.0, 450.0, 380.0])  # x0, y0, x1, y1

    t = torch.from_numpy(img.astype(np.float32))[None, None]
    img_1024 = F.interpolate(t, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
    img_1024 = img_1024.clamp(0, 255).to(torch.uint8)[0, 0].numpy()
    x01 = (img_1024 - img_1024.min()) / np.clip(img_1024.max() - img_1024.min(), a_min=1e-8, a_max=None)
    image = torch.tensor(np.repeat(x01[None], 3, axis=0)).float().unsqueeze(0)  # [1,3,1024,1024]
    box_1024 = box / np.array([cols, rows, cols, rows]) * INPUT_SIZE
    return image, box_1024, (rows, cols)


@torch.no_grad()
def medsam_reference(sam, image: torch.Tensor, box_1024: np.ndarray):
    """MedSAM_Inference.py's path: image_encoder, then prompt_encoder(boxes=...) and
    mask_decoder(multimask_output=False); also all four tokens, for the stock-selection comparison."""
    embedding = sam.image_encoder(image)
    box = torch.as_tensor(box_1024, dtype=torch.float)[None, None, :]  # (B, 1, 4)
    sparse, dense = sam.prompt_encoder(points=None, boxes=box, masks=None)
    kwargs = dict(image_pe=sam.prompt_encoder.get_dense_pe(), sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense)
    low_res, iou = sam.mask_decoder(image_embeddings=embedding, multimask_output=False, **kwargs)
    all_masks, all_iou = sam.mask_decoder.predict_masks(image_embeddings=embedding, **kwargs)
    return embedding, low_res, iou, all_masks, all_iou


def medsam_mask(low_res_logits: torch.Tensor, size) -> np.ndarray:
    """MedSAM's post-processing: sigmoid, bilinear to the original size, > 0.5."""
    p = F.interpolate(torch.sigmoid(low_res_logits), size=size, mode="bilinear", align_corners=False)
    return (p[0, 0] > 0.5).numpy()


@torch.no_grad()
def stock_selection(sam, embedding, point_coords, point_labels, all_masks) -> dict | None:
    """Which of the four tokens SAM's stock ONNX wrapper (segment_anything.utils.onnx.SamOnnxModel with
    return_single_mask, as scripts/export_onnx_model.py exports it) returns for the same box, choosing by
    predicted IoU and by stability score. None where the installed segment_anything lacks that class."""
    try:
        from segment_anything.utils.onnx import SamOnnxModel
    except ImportError:
        return None
    feeds = (embedding, point_coords, point_labels, torch.zeros(1, 1, LOW_RES, LOW_RES), torch.zeros(1),
             torch.tensor([float(INPUT_SIZE), float(INPUT_SIZE)]))
    picks = {}
    for label, stability in (("by_iou_prediction", False), ("by_stability_score", True)):
        stock = SamOnnxModel(sam, return_single_mask=True, use_stability_score=stability).eval()
        _, _, low_res = stock(*feeds)
        diffs = [(low_res[0, 0] - all_masks[0, k]).abs().max().item() for k in range(all_masks.shape[1])]
        picks[label] = int(np.argmin(diffs))
    return picks


@torch.no_grad()
def torch_prompt_logits(sam, embedding, points=None, boxes=None, masks=None):
    """Token 0 of SAM's torch path for any prompt (prompt_encoder pads a point prompt given without a box)."""
    sparse, dense = sam.prompt_encoder(points=points, boxes=boxes, masks=masks)
    low_res, _ = sam.mask_decoder(image_embeddings=embedding, image_pe=sam.prompt_encoder.get_dense_pe(),
                                  sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=False)
    return low_res.numpy()


def check(sam, out_dir: str) -> dict:
    reason = node_available()
    if reason:
        sys.exit(f"--check needs node with onnxruntime-node: {reason}")
    image, box_1024, size = synthetic_case()
    t0 = time.perf_counter()
    emb_t, low_t, iou_t, all_masks, all_iou = medsam_reference(sam, image, box_1024)
    t_torch = time.perf_counter() - t0

    enc, enc_info = run_onnx(os.path.join(out_dir, "encoder.onnx"), {"image": image.numpy()})
    emb_o = enc["image_embeddings"]
    corners = [[box_1024[0], box_1024[1]], [box_1024[2], box_1024[3]]]
    points = np.array([corners], dtype=np.float32)
    labels = np.array([[2.0, 3.0]], dtype=np.float32)
    no_mask = np.zeros((1, 1, LOW_RES, LOW_RES), np.float32)

    def decode(embedding, coords=points, point_labels=labels, mask=no_mask, has_mask=0.0):
        feeds = {
            "image_embeddings": np.asarray(embedding, np.float32),
            "point_coords": np.asarray(coords, np.float32),
            "point_labels": np.asarray(point_labels, np.float32),
            "mask_input": np.asarray(mask, np.float32),
            "has_mask_input": np.array([has_mask], np.float32),
            "orig_im_size": np.array(size, np.float32),
        }
        return run_onnx(os.path.join(out_dir, "decoder.onnx"), feeds)

    dec_same, dec_info = decode(emb_t.numpy())   # the decoder alone, on torch's embedding
    dec_chain, _ = decode(emb_o)                # the ONNX pair end to end
    low_t_np = low_t.numpy()
    mask_t = medsam_mask(low_t, size)
    mask_o = medsam_mask(torch.from_numpy(dec_chain["low_res_masks"]), size)
    result = {
        "image": "synthetic %dx%d uint8, box (x0,y0,x1,y1) in 1024 space %s" % (size[1], size[0], np.round(box_1024, 3).tolist()),
        "embedding_max_abs_diff": float(np.abs(emb_o - emb_t.numpy()).max()),
        "embedding_max_abs": float(np.abs(emb_t.numpy()).max()),
        "decoder_only_logits_max_abs_diff": float(np.abs(dec_same["low_res_masks"] - low_t_np).max()),
        "end_to_end_logits_max_abs_diff": float(np.abs(dec_chain["low_res_masks"] - low_t_np).max()),
        "logits_max_abs": float(np.abs(low_t_np).max()),
        "iou_prediction_abs_diff": float(np.abs(dec_chain["iou_predictions"] - iou_t.numpy()).max()),
        "mask_pixels_flipped": int((mask_t != mask_o).sum()),
        "mask_pixels": int(mask_t.sum()),
        "low_res_shape": list(dec_chain["low_res_masks"].shape),
        "torch_reference_s": round(t_torch, 2),
        "onnx_encoder_create_s": round(enc_info["createMs"] / 1000, 2),
        "onnx_encoder_run_s": round(enc_info["runMs"] / 1000, 2),
        "onnx_decoder_run_ms": round(dec_info["runMs"], 1),
    }

    # The rest of SAM's point contract (not used by the product, checked so the decoder is a faithful SAM one):
    # decoder alone on torch's embedding, token 0, against prompt_encoder(points=..., boxes=..., masks=...).
    centre = [(box_1024[0] + box_1024[2]) / 2, (box_1024[1] + box_1024[3]) / 2]
    rng = np.random.default_rng(1)
    prior = rng.normal(0, 3, (1, 1, LOW_RES, LOW_RES)).astype(np.float32)
    cases = {
        # one foreground point: torch pads it with a "not a point" (label -1) at (0, 0); ONNX callers pass that pad
        "point+pad [1,-1]": (
            [[centre, [0.0, 0.0]]], [[1.0, -1.0]],
            dict(points=(torch.tensor([[centre]], dtype=torch.float), torch.tensor([[1]])))),
        # a background point with a box: torch puts points before the box and adds no pad
        "point+box [0,2,3]": (
            [[[box_1024[0] + 10, box_1024[1] + 10]] + corners], [[0.0, 2.0, 3.0]],
            dict(points=(torch.tensor([[[box_1024[0] + 10, box_1024[1] + 10]]], dtype=torch.float), torch.tensor([[0]])),
                 boxes=torch.as_tensor(box_1024, dtype=torch.float)[None, None])),
    }
    contract = {}
    for name, (coords, point_labels, prompt) in cases.items():
        ref = torch_prompt_logits(sam, emb_t, **prompt)
        got, _ = decode(emb_t.numpy(), coords, point_labels)
        contract[name] = float(np.abs(got["low_res_masks"] - ref).max())
    ref = torch_prompt_logits(sam, emb_t, boxes=torch.as_tensor(box_1024, dtype=torch.float)[None, None],
                              masks=torch.from_numpy(prior))
    got, _ = decode(emb_t.numpy(), mask=prior, has_mask=1.0)
    contract["box+mask_input (has_mask_input=1)"] = float(np.abs(got["low_res_masks"] - ref).max())
    result["other_prompts_logits_max_abs_diff"] = contract

    result["token0_vs_tokens123_max_abs_diff"] = [
        float((all_masks[0, 0] - all_masks[0, k]).abs().max()) for k in range(1, all_masks.shape[1])]
    result["iou_predictions_all_tokens"] = all_iou[0].tolist()
    stock = stock_selection(sam, emb_t, torch.from_numpy(points), torch.from_numpy(labels), all_masks)
    if stock is not None:
        result["stock_single_mask_export_would_return_token"] = stock
    limit_logits = CHECK_TOLERANCE * max(1.0, result["logits_max_abs"])
    split_ok = True
    if os.path.exists(os.path.join(out_dir, PROMPT_FILE)):
        diff = check_split(out_dir, emb_t.numpy(), box_1024)
        result["split_vs_unsplit_logits_max_abs_diff"] = diff
        split_ok = diff <= SPLIT_TOLERANCE * max(1.0, result["logits_max_abs"])
    ok = split_ok and (
        result["embedding_max_abs_diff"] <= CHECK_TOLERANCE * max(1.0, result["embedding_max_abs"])
        and result["decoder_only_logits_max_abs_diff"] <= limit_logits
        and result["end_to_end_logits_max_abs_diff"] <= limit_logits
        and all(d <= limit_logits for d in contract.values())
    )
    result["passed"] = bool(ok)
    result["tolerance"] = CHECK_TOLERANCE
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="MedSAM checkpoint, e.g. medsam_vit_b.pth")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--version", default="2023.04", help="manifest version (default: 2023.04, MedSAM's release)")
    parser.add_argument("--name", default="medsam-vit-b", help="manifest name (default: medsam-vit-b)")
    parser.add_argument("--check", action="store_true",
                        help="compare the ONNX pair (onnxruntime-node) with MedSAM's torch inference on a synthetic case")
    parser.add_argument("--no-optimize", action="store_true",
                        help="no decoder files optimised ahead of time for the browser (optimize_decoder.mjs)")
    parser.add_argument("--no-split", action="store_true",
                        help="no split decoder (decoder_image.onnx + decoder_prompt.onnx, see split_decoder.py)")
    args = parser.parse_args(argv)
    # segment_anything's shape arithmetic makes the tracer warn on every block, and torch 1.13 warns about
    # prim::Constant shape inference; the shapes are fixed here and --check compares the results.
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")

    if not os.path.isfile(args.checkpoint):
        sys.exit(f"no checkpoint at {args.checkpoint}")
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    checkpoint_sha = sha256_file(args.checkpoint)
    sam = load_medsam(args.checkpoint)
    t1 = time.perf_counter()
    enc_path = os.path.join(args.out, "encoder.onnx")
    dec_path = os.path.join(args.out, "decoder.onnx")
    export_encoder(sam, enc_path)
    t2 = time.perf_counter()
    export_decoder(sam, dec_path)
    split_outputs = None if args.no_split else export_split_decoder(
        MedSamDecoder(sam).eval(), args.out, torch.randn(*EMBEDDING_DIMS), OPSET, _exporter_options())
    t3 = time.perf_counter()
    provenance = {"medsam.checkpoint_sha256": checkpoint_sha, "medsam.exporter": "medsam-ohif models/export/export_medsam.py",
                  "medsam.torch": torch.__version__, "medsam.opset": OPSET}
    finalize_onnx(enc_path, provenance, {"image_embeddings": EMBEDDING_DIMS})
    finalize_onnx(dec_path, {**provenance, "medsam.mask_index": MASK_INDEX},
                  {"low_res_masks": [1, 1, LOW_RES, LOW_RES], "iou_predictions": [1, 1]},
                  keep_inputs=[("orig_im_size", onnx.TensorProto.FLOAT, [2])])
    manifest = write_manifest(args.out, args.name, args.version, checkpoint_sha, split_outputs)
    if not args.no_optimize:
        print(optimize_decoder_files(os.path.join(args.out, "manifest.json")))
        with open(os.path.join(args.out, "manifest.json")) as f:
            manifest = json.load(f)
    t4 = time.perf_counter()
    info = {
        "checkpoint": os.path.abspath(args.checkpoint),
        "checkpoint_sha256": checkpoint_sha,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "opset": OPSET,
        "seconds": {"load": round(t1 - t0, 1), "encoder_export": round(t2 - t1, 1), "decoder_export": round(t3 - t2, 1),
                    "total": round(t4 - t0, 1)},
        "bytes": {"encoder.onnx": manifest["encoder"]["bytes"], "decoder.onnx": manifest["decoder"]["bytes"]},
    }
    print(f"exported to {args.out}: encoder.onnx {info['bytes']['encoder.onnx'] / 1e6:.1f} MB, "
          f"decoder.onnx {info['bytes']['decoder.onnx'] / 1e6:.1f} MB, manifest.json ({info['seconds']['total']} s)")
    status = 0
    if args.check:
        result = check(sam, args.out)
        info["check"] = result
        print(json.dumps(result, indent=2))
        if result["passed"]:
            print(f"CHECK PASSED: the ONNX pair matches MedSAM's torch inference within {CHECK_TOLERANCE} x max(1, |value|)")
        else:
            print(f"CHECK FAILED: a difference exceeds {CHECK_TOLERANCE} x max(1, |value|)", file=sys.stderr)
            status = 1
    write_json(os.path.join(args.out, "export_info.json"), info)
    return status


if __name__ == "__main__":
    sys.exit(main())
