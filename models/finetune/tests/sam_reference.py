#!/usr/bin/python3
"""What segment_anything itself computes with the project's SAM-shaped decoder weights, kept as a fixture so the
mapping of sam_layout.py is checked against SAM on every test run, without a MedSAM clone.

    MEDSAM_REPO=/path/to/MedSAM /usr/bin/python3 models/finetune/tests/sam_reference.py   # rewrites sam_reference.npz

Seeded weights under SAM's own keys (sam_vit_b_decoder_keys.txt, every tensor drawn) → loaded strictly into
segment_anything's PromptEncoder and MaskDecoder built as build_sam_vit_b builds them → logits of
mask token 0 for (a) MedSAM's training call: a batch of two embeddings with a box each, and (b) SAM's prompt
contract with a foreground point, a box and a mask prompt. Stored: the logits at 4096 seeded pixels and the IoU
predictions (50 kB, not the 16 MB of weights, which the seed rebuilds). The tests load the same weights through
sam_layout.py, so a wrong mapping gives other logits.
"""
from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import checkpoint  # noqa: E402,F401  (puts models/export and models/testing on the path)

FIXTURE = os.path.join(HERE, "sam_reference.npz")
SEED = 7
PIXELS = 4096


def keys_fixture() -> dict:
    """SAM ViT-B's decoder keys and shapes (sam_vit_b_decoder_keys.txt), in segment_anything's order."""
    with open(os.path.join(HERE, "sam_vit_b_decoder_keys.txt")) as f:
        rows = [line.split() for line in f if line.strip() and not line.startswith("#")]
    return {k: tuple(int(d) for d in shape.split(",")) for k, shape in rows}


def seeded_sam_state(seed: int = SEED) -> dict:
    """Weights named and shaped as SAM's (not through the mapping under test), every tensor drawn from the seed,
    so no zero or one hides a swapped pair."""
    g = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape in keys_fixture().items():
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 0
        state[key] = torch.randn(shape, generator=g) * (fan_in ** -0.5 if fan_in > 1 else 0.5)
    return state


def inputs():
    rng = np.random.default_rng(SEED)
    return {
        "embeddings": rng.standard_normal((2, 256, 64, 64)).astype(np.float32),
        "boxes": np.array([[100.0, 200.0, 600.0, 700.0], [300.5, 150.0, 900.0, 512.25]], np.float32),
        "point": np.array([[400.0, 420.0]], np.float32),
        "mask": (rng.standard_normal((1, 1, 256, 256)) * 3).astype(np.float32),
        "pixels": rng.choice(256 * 256, PIXELS, replace=False),
    }


def sam_modules(repo: str):
    """segment_anything's PromptEncoder and MaskDecoder from a clone, without the package __init__ (torchvision)."""
    spec = importlib.util.spec_from_loader("segment_anything", loader=None, is_package=True)
    package = importlib.util.module_from_spec(spec)
    package.__path__ = [os.path.join(repo, "segment_anything")]
    sys.modules["segment_anything"] = package
    from segment_anything.modeling import MaskDecoder, PromptEncoder, TwoWayTransformer
    prompt = PromptEncoder(embed_dim=256, image_embedding_size=(64, 64), input_image_size=(1024, 1024), mask_in_chans=16)
    mask = MaskDecoder(num_multimask_outputs=3, transformer=TwoWayTransformer(depth=2, embedding_dim=256, mlp_dim=2048, num_heads=8),
                       transformer_dim=256, iou_head_depth=3, iou_head_hidden_dim=256)
    return prompt, mask


def sam_keys(repo: str) -> dict:
    prompt, mask = sam_modules(repo)
    return {f"{p}.{k}": tuple(v.shape) for p, m in (("prompt_encoder", prompt), ("mask_decoder", mask)) for k, v in m.state_dict().items()}


@torch.no_grad()
def sam_outputs(repo: str) -> dict:
    prompt, mask = sam_modules(repo)
    state = seeded_sam_state()
    prompt.load_state_dict({k[len("prompt_encoder."):]: v for k, v in state.items() if k.startswith("prompt_encoder.")}, strict=True)
    mask.load_state_dict({k[len("mask_decoder."):]: v for k, v in state.items() if k.startswith("mask_decoder.")}, strict=True)
    x = inputs()
    emb = torch.from_numpy(x["embeddings"])

    def run(embeddings, **prompts):
        sparse, dense = prompt(**prompts)
        return mask(image_embeddings=embeddings, image_pe=prompt.get_dense_pe(), sparse_prompt_embeddings=sparse,
                    dense_prompt_embeddings=dense, multimask_output=False)

    # (a) MedSAM's train.py: prompt_encoder(points=None, boxes=[B,1,4], masks=None), one mask
    train_logits, train_iou = run(emb, points=None, boxes=torch.from_numpy(x["boxes"])[:, None, :], masks=None)
    # (b) a foreground point, then the box, then a mask prompt: SAM's full prompt contract (ONNX labels 1, 2, 3)
    contract_logits, contract_iou = run(emb[:1], points=(torch.from_numpy(x["point"])[None], torch.tensor([[1]])),
                                        boxes=torch.from_numpy(x["boxes"][:1])[:, None, :], masks=torch.from_numpy(x["mask"]))
    flat = lambda t: t.reshape(t.shape[0], -1)[:, x["pixels"]].numpy()  # noqa: E731
    return {"train_logits": flat(train_logits), "train_iou": train_iou.numpy().ravel(),
            "contract_logits": flat(contract_logits), "contract_iou": contract_iou.numpy().ravel()}


if __name__ == "__main__":
    repo = os.environ.get("MEDSAM_REPO")
    if not repo:
        sys.exit("set MEDSAM_REPO to a clone of bowang-lab/MedSAM")
    np.savez(FIXTURE, **sam_outputs(repo))
    print(f"wrote {FIXTURE}")
