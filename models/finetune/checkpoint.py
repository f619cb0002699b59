"""Starting checkpoints for decoder fine-tuning: the project's test model (weights read back from its ONNX
files, whose initialisers keep the PyTorch parameter names) or an official MedSAM ``.pth``.

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


def load_medsam(checkpoint):
    """An official MedSAM ViT-B .pth through MedSAM's `segment_anything` package (not installed here)."""
    try:
        from segment_anything import sam_model_registry
    except ImportError:
        raise CheckpointError(
            f"{checkpoint}: a MedSAM .pth needs the segment_anything package of bowang-lab/MedSAM (pip install -e . in a clone)"
        ) from None
    if not os.path.exists(checkpoint):
        raise CheckpointError(f"{checkpoint}: file not found")
    try:
        return sam_model_registry["vit_b"](checkpoint=checkpoint)
    except Exception as e:
        raise CheckpointError(f"{checkpoint}: not a MedSAM ViT-B checkpoint ({type(e).__name__}: {e})") from None
