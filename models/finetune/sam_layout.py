"""MedSAM's checkpoint layout (SAM's state-dict keys) <-> the project's own SAM-shaped decoder module.

A MedSAM `.pth` is SAM's state dict: `image_encoder.*`, `prompt_encoder.*`, `mask_decoder.*` (or that dict
under "model", as MedSAM's training script saves it). Fine-tuning needs only the prompt encoder and the mask
decoder, so they are loaded into bench/python's `SamSizedDecoder` — the same layers as SAM's, written for this
project — and the 90 M image-encoder weights are never built. Its parameter names differ from SAM's, so the
mapping below is explicit, both ways; models/finetune/tests/test_sam_layout.py checks it against SAM's real key
list (sam_vit_b_decoder_keys.txt) and, with a MedSAM clone (MEDSAM_REPO), against segment_anything's modules.
"""
from __future__ import annotations

import os
import re
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "python"))
from sam_decoder import SamSizedDecoder  # noqa: E402

PROMPT = "prompt_encoder."
MASK = "mask_decoder."

# One-to-one renames, project prefix -> SAM prefix (the rest of the key follows unchanged).
_BLOCK_PARTS = {
    "self_attn.q.": "self_attn.q_proj.", "self_attn.k.": "self_attn.k_proj.", "self_attn.v.": "self_attn.v_proj.",
    "self_attn.out.": "self_attn.out_proj.",
    "cross_tokens.q.": "cross_attn_token_to_image.q_proj.", "cross_tokens.k.": "cross_attn_token_to_image.k_proj.",
    "cross_tokens.v.": "cross_attn_token_to_image.v_proj.", "cross_tokens.out.": "cross_attn_token_to_image.out_proj.",
    "cross_image.q.": "cross_attn_image_to_token.q_proj.", "cross_image.k.": "cross_attn_image_to_token.k_proj.",
    "cross_image.v.": "cross_attn_image_to_token.v_proj.", "cross_image.out.": "cross_attn_image_to_token.out_proj.",
    "mlp.layers.0.": "mlp.lin1.", "mlp.layers.1.": "mlp.lin2.",
    "norms.0.": "norm1.", "norms.1.": "norm2.", "norms.2.": "norm3.", "norms.3.": "norm4.",
}
_RENAMES = [
    ("positions.gaussian", PROMPT + "pe_layer.positional_encoding_gaussian_matrix"),
    ("mask_downscaling.", PROMPT + "mask_downscaling."),  # same Sequential indices (conv, norm, GELU, ...)
    ("iou_token", MASK + "iou_token.weight"),  # nn.Embedding(1, 256) in SAM: the same [1, 256] tensor
    ("mask_tokens", MASK + "mask_tokens.weight"),
    ("transformer.final.q.", MASK + "transformer.final_attn_token_to_image.q_proj."),
    ("transformer.final.k.", MASK + "transformer.final_attn_token_to_image.k_proj."),
    ("transformer.final.v.", MASK + "transformer.final_attn_token_to_image.v_proj."),
    ("transformer.final.out.", MASK + "transformer.final_attn_token_to_image.out_proj."),
    ("transformer.norm.", MASK + "transformer.norm_final_attn."),
    ("upscale1.", MASK + "output_upscaling.0."),  # SAM: ConvTranspose2d, LayerNorm2d, GELU, ConvTranspose2d, GELU
    ("upscale_norm.", MASK + "output_upscaling.1."),
    ("upscale2.", MASK + "output_upscaling.3."),
    ("hypernets.", MASK + "output_hypernetworks_mlps."),
    ("iou_head.", MASK + "iou_prediction_head."),
]
# Tensors SAM keeps as nn.Embedding(1, 256) rows and the project as plain vectors (or one [4, 256] table).
_ROWS = {"not_a_point": PROMPT + "not_a_point_embed.weight", "no_mask": PROMPT + "no_mask_embed.weight"}
_POINT_LABELS = 4  # label embeddings 0, 1, 2, 3: SAM's prompt_encoder.point_embeddings.{0..3}.weight
#: A buffer derived from positions.gaussian, not stored by SAM: rebuilt after loading.
DERIVED = ("dense_pe",)


def sam_key(project_key: str) -> str:
    """The SAM key one project parameter maps to (not for label_embeddings, which is split in four)."""
    if project_key in _ROWS:
        return _ROWS[project_key]
    m = re.fullmatch(r"transformer\.blocks\.(\d+)\.(.*)", project_key)
    if m:
        for ours, theirs in _BLOCK_PARTS.items():
            if m.group(2).startswith(ours):
                return f"{MASK}transformer.layers.{m.group(1)}.{theirs}{m.group(2)[len(ours):]}"
    for ours, theirs in _RENAMES:
        if project_key == ours or (ours.endswith(".") and project_key.startswith(ours)):
            return theirs + project_key[len(ours):]
    raise KeyError(f"no SAM key for {project_key}")


def in_prompt_encoder(project_key: str) -> bool:
    """Whether a project parameter is part of SAM's prompt encoder (frozen in fine-tuning) or its mask decoder."""
    return project_key == "label_embeddings" or sam_key(project_key).startswith(PROMPT)


def to_sam_state(decoder: SamSizedDecoder) -> dict:
    """The module's weights under SAM's prompt_encoder.* / mask_decoder.* keys and shapes."""
    out = {}
    for key, value in decoder.state_dict().items():
        value = value.detach().cpu().clone()
        if key in DERIVED:
            continue
        if key == "label_embeddings":
            for i in range(_POINT_LABELS):
                out[f"{PROMPT}point_embeddings.{i}.weight"] = value[i:i + 1].clone()
        elif key in _ROWS:
            out[sam_key(key)] = value[None]
        else:
            out[sam_key(key)] = value
    return out


def sam_keys_needed() -> dict:
    """SAM key -> shape, every tensor a MedSAM checkpoint must hold for the decoder (from the module itself)."""
    return {k: tuple(v.shape) for k, v in to_sam_state(SamSizedDecoder()).items()}


def from_sam_state(state: dict, source: str) -> SamSizedDecoder:
    """A SamSizedDecoder holding a SAM/MedSAM state dict's prompt encoder and mask decoder; every missing key or
    wrong shape is named with `source`. Keys outside prompt_encoder.* / mask_decoder.* (the image encoder) are
    ignored; unknown keys inside them are refused (another architecture)."""
    needed = sam_keys_needed()
    missing = [k for k in needed if k not in state]
    if missing:
        raise ValueError(f"{source}: no {missing[0]} (and {len(missing) - 1} more of SAM's {len(needed)} decoder tensors)"
                         if len(missing) > 1 else f"{source}: no {missing[0]}")
    extra = sorted(k for k in state if k.startswith((PROMPT, MASK)) and k not in needed)
    if extra:
        raise ValueError(f"{source}: {extra[0]} is not part of SAM ViT-B's decoder (another architecture?)")
    for k, shape in needed.items():
        if tuple(state[k].shape) != shape:
            raise ValueError(f"{source}: {k} has shape {list(state[k].shape)}, SAM ViT-B's is {list(shape)}")
    decoder = SamSizedDecoder()
    ours = {}
    for key, value in decoder.state_dict().items():
        if key in DERIVED:
            ours[key] = value
        elif key == "label_embeddings":
            ours[key] = torch.cat([state[f"{PROMPT}point_embeddings.{i}.weight"] for i in range(_POINT_LABELS)], 0)
        elif key in _ROWS:
            ours[key] = state[sam_key(key)][0]
        else:
            ours[key] = state[sam_key(key)]
    decoder.load_state_dict({k: v.float() for k, v in ours.items()}, strict=True)
    with torch.no_grad():
        decoder.dense_pe.copy_(decoder.positions.grid())  # SAM's get_dense_pe(), from the loaded projection
    return decoder
