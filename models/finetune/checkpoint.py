"""Starting checkpoints for decoder fine-tuning: the project's test model (weights read back from its ONNX
files, whose initialisers keep the PyTorch parameter names) or an official MedSAM ``.pth`` (SAM's keys).

Every loader fails with a message that names the file and what is wrong with it.
"""
from __future__ import annotations

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testing"))
sys.path.insert(0, os.path.join(HERE, "..", "export"))


class CheckpointError(Exception):
    """A starting checkpoint (or manifest) that cannot be used: the message names the file."""


def _onnx_state(path, prefix=""):
    try:
        import onnx
        from onnx import numpy_helper
        model = onnx.load(path)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: file not found") from None
    except Exception as e:  # onnx raises DecodeError and others for damaged files
        raise CheckpointError(f"{path}: not a readable ONNX model ({type(e).__name__}: {e})") from None
    state = {}
    for init in model.graph.initializer:
        if init.name.startswith(prefix):
            state[init.name[len(prefix):]] = torch.from_numpy(numpy_helper.to_array(init).copy())
    return state


def _load_into(module, state, path):
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise CheckpointError(f"{path}: its weights do not fit the model ({str(e).splitlines()[0]})") from None
    return module


def load_test_model_decoder(decoder_onnx):
    """The test model's Decoder (torch) with the weights of its decoder.onnx."""
    from tiny_model import Decoder
    return _load_into(Decoder(), _onnx_state(decoder_onnx, "decoder."), decoder_onnx)


def load_test_model_encoder(encoder_onnx):
    """The test model's Encoder (torch) from encoder.onnx (for benchmarks and evaluation only: it stays frozen)."""
    from tiny_model import Encoder
    return _load_into(Encoder(), _onnx_state(encoder_onnx), encoder_onnx)


def load_medsam_decoder(checkpoint):
    """The prompt encoder and mask decoder of a MedSAM/SAM ViT-B `.pth` (SAM's state-dict keys; a training
    checkpoint's {"model": state_dict} too) in the project's own SAM-shaped module (sam_layout.py): no
    segment_anything, and the image encoder's weights are never built."""
    from sam_layout import from_sam_state
    if not os.path.exists(checkpoint):
        raise CheckpointError(f"{checkpoint}: file not found")
    try:
        state = torch.load(checkpoint, map_location="cpu")
    except Exception as e:
        raise CheckpointError(f"{checkpoint}: not a PyTorch checkpoint ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None
    if isinstance(state, dict) and isinstance(state.get("model"), dict):
        state = state["model"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{checkpoint}: not a state dict of tensors (SAM's image_encoder.*, prompt_encoder.*, mask_decoder.* keys)")
    try:
        return from_sam_state(state, checkpoint)
    except ValueError as e:
        raise CheckpointError(f"{e}: not a MedSAM ViT-B checkpoint") from None
