#!/usr/bin/env python3
"""Export a LiteMedSAM checkpoint (lite_medsam.pth) to this project's ONNX contract, 256 profile.

    python3 models/export/export_litemedsam.py --reference /path/to/MedSAM-LiteMedSAM \\
        --checkpoint lite_medsam.pth --out models/litemedsam [--check]
    python3 models/export/export_litemedsam.py --reference /path/to/MedSAM-LiteMedSAM \\
        --random-weights --out /tmp/litemedsam-random --check          # no checkpoint: random weights

--reference is a checkout of bowang-lab/MedSAM, branch LiteMedSAM (git clone -b LiteMedSAM
https://github.com/bowang-lab/MedSAM): its tiny_vit_sam.py and segment_anything build the model, and --check
compares against them and against CVPR24_LiteMedSAM_infer.py's own pre- and post-processing functions. Needs
torch, onnx, numpy, OpenCV (--check); `timm` is optional (tiny_vit_sam.py imports three helpers from it that
inference does not use; where it is missing, stand-ins are put in its place). --check also needs node and this
repository's onnxruntime-node.

Writes into --out:
  encoder.onnx   image [1,3,256,256] float32 (min-max to [0,1], the resized image at the top-left, zero padding)
                 ->  image_embeddings [1,256,64,64]   (TinyViT: embed dims 64/128/160/320, depths 2/2/6/2)
  decoder.onnx   SAM's ONNX decoder contract fixed to mask token 0 (multimask_output=False), points scaled by
                 the 256 input: image_embeddings, point_coords [1,N,2], point_labels [1,N], mask_input
                 [1,1,256,256], has_mask_input [1], orig_im_size [2] -> low_res_masks [1,1,256,256], iou_predictions
  manifest.json  profile litemedsam-longest-256, both files' SHA-256
  export_info.json  provenance and the --check results
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
import types
import warnings

import numpy as np
import onnx
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_medsam import CHECK_TOLERANCE, MedSamDecoder, _exporter_options, decoder_example_feeds, finalize_onnx  # noqa: E402
from onnx_tools import SAM_DECODER_INPUTS, node_available, optimize_decoder_files, run_onnx, sha256_file, write_json, write_sam_manifest  # noqa: E402

OPSET = 17
INPUT_SIZE = 256
LOW_RES = 256
EMBEDDING_DIMS = [1, 256, 64, 64]
MASK_INDEX = 0
PROFILE = "litemedsam-longest-256"

# LiteMedSAM's architecture (CVPR24_LiteMedSAM_infer.py): TinyViT image encoder, SAM's prompt encoder and
# mask decoder at a 256 input.
TINY_VIT = dict(img_size=256, in_chans=3, embed_dims=[64, 128, 160, 320], depths=[2, 2, 6, 2], num_heads=[2, 4, 5, 10],
                window_sizes=[7, 7, 14, 7], mlp_ratio=4.0, drop_rate=0.0, drop_path_rate=0.0, use_checkpoint=False,
                mbconv_expand_ratio=4.0, local_conv_size=3, layer_lr_decay=0.8)


# --------------------------------------------------------------------------------------------------
# the reference, from the user's checkout


def _install_timm_stand_ins() -> bool:
    """tiny_vit_sam.py imports DropPath, to_2tuple, trunc_normal_ and register_model from timm. At inference
    DropPath is the identity (drop_path_rate 0), trunc_normal_ only initialises weights that the checkpoint
    replaces, register_model only registers a name. Returns True when stand-ins were installed."""
    try:
        import timm.models.layers  # noqa: F401
        return False
    except ImportError:
        pass

    class DropPath(nn.Module):
        def __init__(self, drop_prob=None):
            super().__init__()
            self.drop_prob = drop_prob

        def forward(self, x):
            if not self.drop_prob or not self.training:
                return x
            raise RuntimeError("timm stand-in: DropPath is inference-only")

    layers = types.ModuleType("timm.models.layers")
    layers.DropPath = DropPath
    layers.to_2tuple = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    layers.trunc_normal_ = nn.init.trunc_normal_
    registry = types.ModuleType("timm.models.registry")
    registry.register_model = lambda fn: fn
    timm = types.ModuleType("timm")
    models = types.ModuleType("timm.models")
    timm.models, models.layers, models.registry = models, layers, registry
    sys.modules.update({"timm": timm, "timm.models": models, "timm.models.layers": layers, "timm.models.registry": registry})
    return True


def load_reference(path: str):
    """The branch's modules (TinyViT, PromptEncoder, MaskDecoder, TwoWayTransformer) and, from
    CVPR24_LiteMedSAM_infer.py, the functions that prepare images and boxes and post-process masks (taken out of
    the file's syntax tree: importing it would parse arguments and load a checkpoint)."""
    infer = os.path.join(path, "CVPR24_LiteMedSAM_infer.py")
    for needed in ("tiny_vit_sam.py", "segment_anything/modeling/mask_decoder.py", "CVPR24_LiteMedSAM_infer.py"):
        if not os.path.isfile(os.path.join(path, needed)):
            sys.exit(f"--reference {path} has no {needed}: give a checkout of bowang-lab/MedSAM, branch LiteMedSAM")
    stand_ins = _install_timm_stand_ins()
    sys.path.insert(0, os.path.abspath(path))
    # Only segment_anything.modeling is needed: register the package without running its __init__, which
    # imports the predictor and through it torchvision.
    package = types.ModuleType("segment_anything")
    package.__path__ = [os.path.join(os.path.abspath(path), "segment_anything")]
    sys.modules["segment_anything"] = package
    from segment_anything.modeling import MaskDecoder, PromptEncoder, TwoWayTransformer
    from tiny_vit_sam import TinyViT

    wanted = {"resize_longest_side", "pad_image", "resize_box_to_256", "postprocess_masks"}
    picked = []
    for node in ast.parse(open(infer).read()).body:
        if isinstance(node, ast.FunctionDef) and node.name in wanted:
            picked.append(node)
        if isinstance(node, ast.ClassDef) and node.name == "MedSAM_Lite":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "postprocess_masks":
                    item.decorator_list = []
                    picked.append(item)
    if {n.name for n in picked} != wanted:
        sys.exit(f"{infer}: expected {sorted(wanted)}, found {sorted(n.name for n in picked)}")
    import cv2

    functions = {"np": np, "cv2": cv2, "torch": torch, "F": F}
    exec(compile(ast.Module(body=picked, type_ignores=[]), infer, "exec"), functions)
    modules = dict(TinyViT=TinyViT, PromptEncoder=PromptEncoder, MaskDecoder=MaskDecoder, TwoWayTransformer=TwoWayTransformer)
    return modules, functions, stand_ins


class LiteMedSam(nn.Module):
    """The three parts under the names of the checkpoint's keys (image_encoder., prompt_encoder., mask_decoder.)."""

    def __init__(self, m):
        super().__init__()
        self.image_encoder = m["TinyViT"](**TINY_VIT)
        self.prompt_encoder = m["PromptEncoder"](embed_dim=256, image_embedding_size=(64, 64), input_image_size=(256, 256),
                                                 mask_in_chans=16)
        self.mask_decoder = m["MaskDecoder"](num_multimask_outputs=3, transformer=m["TwoWayTransformer"](
            depth=2, embedding_dim=256, mlp_dim=2048, num_heads=8), transformer_dim=256, iou_head_depth=3, iou_head_hidden_dim=256)


def build_model(modules, checkpoint: str | None, seed: int) -> LiteMedSam:
    torch.manual_seed(seed)
    model = LiteMedSam(modules)
    if checkpoint:
        state = torch.load(checkpoint, map_location="cpu")
        if isinstance(state, dict) and "model" in state and isinstance(state["model"], dict):
            state = state["model"]  # training checkpoints wrap the weights
        model.load_state_dict(state)
    else:
        # Random weights: besides the default initialisation, give normalisation layers non-trivial statistics so
        # the check exercises them.
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, nn.BatchNorm2d):
                    module.running_mean.uniform_(-0.1, 0.1)
                    module.running_var.uniform_(0.5, 1.5)
    return model.eval()


# --------------------------------------------------------------------------------------------------
# export


def export_encoder(model, path: str) -> None:
    with torch.no_grad():
        torch.onnx.export(model.image_encoder, (torch.rand(1, 3, INPUT_SIZE, INPUT_SIZE),), path, opset_version=OPSET,
                          do_constant_folding=True, input_names=["image"], output_names=["image_embeddings"], **_exporter_options())


def export_decoder(model, path: str) -> None:
    module = MedSamDecoder(model).eval()  # reads image_encoder.img_size (256) for the point scaling
    with torch.no_grad():
        torch.onnx.export(module, decoder_example_feeds(), path, opset_version=OPSET, do_constant_folding=True,
                          input_names=list(SAM_DECODER_INPUTS.values()), output_names=["low_res_masks", "iou_predictions"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
                          **_exporter_options())


# --------------------------------------------------------------------------------------------------
# --check


def synthetic_image(rows: int = 600, cols: int = 800, seed: int = 0) -> np.ndarray:
    """A grey uint8 image, non-square so that padding and the crop of the logits matter."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    img = 40 + 60 * x / cols
    img += 120 * (((x - 300) / 140) ** 2 + ((y - 280) / 90) ** 2 < 1)
    img += 70 * ((x > 520) & (x < 700) & (y > 380) & (y < 540))
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


@torch.no_grad()
def check(model, ref, out_dir: str) -> dict:
    reason = node_available()
    if reason:
        sys.exit(f"--check needs node with onnxruntime-node: {reason}")
    img = synthetic_image()
    H, W = img.shape
    box = np.array([150.0, 180.0, 450.0, 380.0])
    # MedSAM_infer_npz_2D's preparation, with the reference's functions.
    img_3c = np.repeat(img[:, :, None], 3, axis=-1)
    img_256 = ref["resize_longest_side"](img_3c, 256)
    newh, neww = img_256.shape[:2]
    norm = (img_256 - img_256.min()) / np.clip(img_256.max() - img_256.min(), a_min=1e-8, a_max=None)
    image = torch.tensor(ref["pad_image"](norm, 256)).float().permute(2, 0, 1).unsqueeze(0)
    box256 = ref["resize_box_to_256"](box, original_size=(H, W))

    t0 = time.perf_counter()
    emb_t = model.image_encoder(image)
    box_t = torch.as_tensor(box256[None, None, ...], dtype=torch.float)
    sparse, dense = model.prompt_encoder(points=None, boxes=box_t, masks=None)
    low_t, iou_t = model.mask_decoder(image_embeddings=emb_t, image_pe=model.prompt_encoder.get_dense_pe(),
                                      sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=False)
    t_torch = time.perf_counter() - t0

    def mask_of(low_res):
        up = ref["postprocess_masks"](None, torch.as_tensor(low_res), (newh, neww), (H, W))
        return (torch.sigmoid(up).squeeze().numpy() > 0.5)

    enc, enc_info = run_onnx(os.path.join(out_dir, "encoder.onnx"), {"image": image.numpy()})
    emb_o = enc["image_embeddings"]

    def decode(embedding):
        feeds = {
            "image_embeddings": np.asarray(embedding, np.float32),
            "point_coords": np.array([[[box256[0], box256[1]], [box256[2], box256[3]]]], np.float32),
            "point_labels": np.array([[2.0, 3.0]], np.float32),
            "mask_input": np.zeros((1, 1, LOW_RES, LOW_RES), np.float32),
            "has_mask_input": np.zeros(1, np.float32),
            "orig_im_size": np.array([H, W], np.float32),
        }
        return run_onnx(os.path.join(out_dir, "decoder.onnx"), feeds)

    dec_same, dec_info = decode(emb_t.numpy())
    dec_chain, _ = decode(emb_o)
    low_t_np = low_t.numpy()
    mask_t, mask_o = mask_of(low_t), mask_of(dec_chain["low_res_masks"])
    result = {
        "image": f"synthetic {W}x{H} uint8, box {box.tolist()} -> 256 space {box256.tolist()}, resized {neww}x{newh}",
        "embedding_max_abs_diff": float(np.abs(emb_o - emb_t.numpy()).max()),
        "embedding_max_abs": float(np.abs(emb_t.numpy()).max()),
        "decoder_only_logits_max_abs_diff": float(np.abs(dec_same["low_res_masks"] - low_t_np).max()),
        "end_to_end_logits_max_abs_diff": float(np.abs(dec_chain["low_res_masks"] - low_t_np).max()),
        "logits_max_abs": float(np.abs(low_t_np).max()),
        "iou_prediction_abs_diff": float(np.abs(dec_chain["iou_predictions"] - iou_t.numpy()).max()),
        "mask_pixels_flipped": int((mask_t != mask_o).sum()),
        "mask_pixels": int(mask_t.sum()),
        "torch_reference_s": round(t_torch, 3),
        "onnx_encoder_create_s": round(enc_info["createMs"] / 1000, 3),
        "onnx_encoder_run_s": round(enc_info["runMs"] / 1000, 3),
        "onnx_decoder_run_ms": round(dec_info["runMs"], 1),
    }
    limit = CHECK_TOLERANCE * max(1.0, result["logits_max_abs"])
    result["passed"] = bool(
        result["embedding_max_abs_diff"] <= CHECK_TOLERANCE * max(1.0, result["embedding_max_abs"])
        and result["decoder_only_logits_max_abs_diff"] <= limit and result["end_to_end_logits_max_abs_diff"] <= limit)
    result["tolerance"] = CHECK_TOLERANCE
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", required=True, help="checkout of bowang-lab/MedSAM, branch LiteMedSAM")
    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument("--checkpoint", help="lite_medsam.pth")
    weights.add_argument("--random-weights", action="store_true", help="no checkpoint: random weights (for checks and benchmarks)")
    parser.add_argument("--seed", type=int, default=0, help="torch seed for --random-weights (default 0)")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--name", help="manifest name (default: litemedsam, or litemedsam-random-weights)")
    parser.add_argument("--version", default="2024.cvpr", help="manifest version (default: 2024.cvpr)")
    parser.add_argument("--no-optimize", action="store_true",
                        help="no decoder files optimised ahead of time for the browser (optimize_decoder.mjs)")
    parser.add_argument("--check", action="store_true", help="compare the ONNX pair (onnxruntime-node) with the branch's torch inference")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
    warnings.filterwarnings("ignore", category=UserWarning)

    if args.checkpoint and not os.path.isfile(args.checkpoint):
        sys.exit(f"no checkpoint at {args.checkpoint}")
    modules, ref, stand_ins = load_reference(args.reference)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.perf_counter()
    checkpoint_sha = sha256_file(args.checkpoint) if args.checkpoint else None
    model = build_model(modules, args.checkpoint, args.seed)
    enc_path, dec_path = os.path.join(args.out, "encoder.onnx"), os.path.join(args.out, "decoder.onnx")
    export_encoder(model, enc_path)
    export_decoder(model, dec_path)
    weights_note = f"checkpoint SHA-256 {checkpoint_sha}" if checkpoint_sha else f"RANDOM WEIGHTS (seed {args.seed})"
    provenance = {"medsam.weights": weights_note, "medsam.exporter": "medsam-ohif models/export/export_litemedsam.py",
                  "medsam.torch": torch.__version__, "medsam.opset": OPSET}
    finalize_onnx(enc_path, provenance, {"image_embeddings": EMBEDDING_DIMS})
    finalize_onnx(dec_path, {**provenance, "medsam.mask_index": MASK_INDEX},
                  {"low_res_masks": [1, 1, LOW_RES, LOW_RES], "iou_predictions": [1, 1]},
                  keep_inputs=[("orig_im_size", onnx.TensorProto.FLOAT, [2])])
    if checkpoint_sha:
        description = (f"LiteMedSAM (TinyViT encoder distilled from MedSAM, bowang-lab/MedSAM branch LiteMedSAM), exported by "
                       f"models/export/export_litemedsam.py from a checkpoint with SHA-256 {checkpoint_sha[:16]}... . Encoder "
                       "input: the image resized longest side to 256 (INTER_AREA), min-max to [0,1], zero padding. Decoder: "
                       "SAM's ONNX contract fixed to mask token 0, box as two points labelled 2 and 3 in 256 space.")
    else:
        description = (f"NOT LiteMedSAM: LiteMedSAM's architecture with RANDOM WEIGHTS (seed {args.seed}), exported by "
                       "models/export/export_litemedsam.py for checks and benchmarks. Its masks mean nothing.")
    name = args.name or ("litemedsam" if checkpoint_sha else "litemedsam-random-weights")
    manifest = write_sam_manifest(args.out, name=name, version=args.version, description=description,
                                  test_model=not checkpoint_sha, profile=PROFILE, input_size=INPUT_SIZE)
    if not args.no_optimize:
        print(optimize_decoder_files(os.path.join(args.out, "manifest.json")))
        with open(os.path.join(args.out, "manifest.json")) as f:
            manifest = json.load(f)
    info = {
        "weights": weights_note,
        "checkpoint": os.path.abspath(args.checkpoint) if args.checkpoint else None,
        "reference": os.path.abspath(args.reference),
        "timm_stand_ins": stand_ins,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "opset": OPSET,
        "seconds": round(time.perf_counter() - t0, 1),
        "bytes": {"encoder.onnx": manifest["encoder"]["bytes"], "decoder.onnx": manifest["decoder"]["bytes"]},
    }
    print(f"exported to {args.out}: encoder.onnx {info['bytes']['encoder.onnx'] / 1e6:.1f} MB, "
          f"decoder.onnx {info['bytes']['decoder.onnx'] / 1e6:.1f} MB, manifest.json ({info['seconds']} s, {weights_note})")
    status = 0
    if args.check:
        result = check(model, ref, args.out)
        info["check"] = result
        print(json.dumps(result, indent=2))
        if result["passed"]:
            print(f"CHECK PASSED: the ONNX pair matches the branch's torch inference within {CHECK_TOLERANCE} x max(1, |value|)")
        else:
            print(f"CHECK FAILED: a difference exceeds {CHECK_TOLERANCE} x max(1, |value|)", file=sys.stderr)
            status = 1
    write_json(os.path.join(args.out, "export_info.json"), info)
    return status


if __name__ == "__main__":
    sys.exit(main())
