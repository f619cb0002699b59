"""medsam-ohif-test-tiny-256: the test model of LiteMedSAM's contract (256 profile). NOT LiteMedSAM.

Encoder [1,3,256,256] (the resized image at the top-left, zero padding) -> [1,256,64,64]; SAM-contract decoder
whose points are in 256 space (+0.5, / 256, as LiteMedSAM's prompt encoder with input_image_size 256).
The network is test-tiny's (tiny_model.py) with its first 4x4/stride-4 patch conv replaced by a 1x1 conv:
`from_test_tiny` sums each 4x4 kernel into that 1x1 weight, so the new encoder on a 256 image equals
test-tiny's on the same image upsampled x4 (nearest) — a starting point that a few CPU minutes of training
on padded, non-square phantoms turn into a model of the 256 profile.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tiny_model import Decoder, Encoder

INPUT_SIZE = 256


class Encoder256(nn.Module):
    def __init__(self, c1=16, c=64):
        super().__init__()
        self.stem1 = nn.Conv2d(1, c1, 1)
        self.stem2 = nn.Conv2d(c1, c, 4, stride=4)
        self.blocks = nn.ModuleList(nn.Conv2d(c, c, 3, padding=d, dilation=d) for d in (1, 2, 4))
        self.out = nn.Conv2d(2 * c, 256, 1)

    def forward(self, image):
        x = image.mean(1, keepdim=True)
        patch = self.stem2(F.gelu(self.stem1(x)))
        h = patch
        for conv in self.blocks:
            h = h + conv(F.gelu(h))
        return self.out(torch.cat([h, patch], 1))


def from_test_tiny(encoder: Encoder) -> Encoder256:
    """test-tiny's encoder as a 256-input one (exact on nearest-upsampled inputs, see the module docstring)."""
    new = Encoder256()
    state = {k: v.clone() for k, v in encoder.state_dict().items()}
    state["stem1.weight"] = state["stem1.weight"].sum((2, 3), keepdim=True)
    new.load_state_dict(state)
    return new


def box_from_points(point_coords, point_labels):
    """The box from the points labelled 2 and 3, +0.5 and / 256 -> [B, 4] normalised to the padded grid."""
    c = (point_coords + 0.5) / INPUT_SIZE
    w2 = (point_labels == 2).to(c.dtype)
    w3 = (point_labels == 3).to(c.dtype)
    tl = (c * w2.unsqueeze(-1)).sum(1) / w2.sum(1, keepdim=True).clamp(min=1.0)
    br = (c * w3.unsqueeze(-1)).sum(1) / w3.sum(1, keepdim=True).clamp(min=1.0)
    return torch.cat([tl, br], 1)


class SamContractDecoder256(nn.Module):
    """SAM's ONNX decoder signature -> low_res_masks [1,1,256,256] over the padded grid, iou_predictions.
    orig_im_size is unused (the core crops and resizes low_res_masks, as LiteMedSAM does)."""

    def __init__(self, decoder: Decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        box = box_from_points(point_coords, point_labels)
        prior = torch.sigmoid(mask_input) * has_mask_input.view(-1, 1, 1, 1)
        low_res, iou = self.decoder(image_embeddings, box, prior)
        return low_res, iou


def save_weights(path, encoder, decoder):
    arrays = {f"encoder.{k}": v.detach().cpu().numpy() for k, v in encoder.state_dict().items()}
    arrays.update({f"decoder.{k}": v.detach().cpu().numpy() for k, v in decoder.state_dict().items()})
    np.savez(path, **arrays)


def load_weights_256(path):
    """-> (Encoder256, Decoder) in eval mode."""
    data = np.load(path)
    enc, dec = Encoder256(), Decoder()
    for prefix, module in (("encoder.", enc), ("decoder.", dec)):
        module.load_state_dict({k[len(prefix):]: torch.from_numpy(data[k]) for k in data.files if k.startswith(prefix)})
    return enc.eval(), dec.eval()


def start_from_test_tiny(directory):
    """(Encoder256, Decoder) initialised from test-tiny's ONNX files (their initialisers keep the torch names)."""
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "finetune"))
    from checkpoint import load_test_model_decoder, load_test_model_encoder
    enc = load_test_model_encoder(os.path.join(directory, "encoder.onnx"))
    dec = load_test_model_decoder(os.path.join(directory, "decoder.onnx"))
    return from_test_tiny(enc), dec
