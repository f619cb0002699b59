"""medsam-ohif-test-tiny: a small box-prompted segmentation network with MedSAM's ONNX contract.

NOT MedSAM. Same tensors in and out (encoder [1,3,1024,1024] -> [1,256,64,64]; SAM-style decoder), a few
hundred thousand weights, trained on synthetic phantoms so that tests exercise a model that really segments.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_SIZE = 1024
GRID = 64  # embedding side
LOW_RES = 256  # low-res mask side
EMBED_DIM = 256


class Encoder(nn.Module):
    """Two 4x4 stride-4 patch convs take 1024 -> 64; dilated residual convs add context; the 1x1 output keeps
    the patch features beside the context features so the 256 channels still carry sub-patch detail."""

    def __init__(self, c1=16, c=64):
        super().__init__()
        self.stem1 = nn.Conv2d(1, c1, 4, stride=4)
        self.stem2 = nn.Conv2d(c1, c, 4, stride=4)
        self.blocks = nn.ModuleList(nn.Conv2d(c, c, 3, padding=d, dilation=d) for d in (1, 2, 4))
        self.out = nn.Conv2d(2 * c, EMBED_DIM, 1)

    def forward(self, image):
        x = image.mean(1, keepdim=True)  # the three channels are the same grey image
        patch = self.stem2(F.gelu(self.stem1(x)))
        h = patch
        for conv in self.blocks:
            h = h + conv(F.gelu(h))
        return self.out(torch.cat([h, patch], 1))


def box_from_points(point_coords, point_labels):
    """SAM convention: the box is the points labelled 2 (top-left) and 3 (bottom-right); +0.5 then / 1024.
    Returns [B, 4] (x0, y0, x1, y1) normalised to [0, 1]. Other points (0, 1, -1) are ignored."""
    c = (point_coords + 0.5) / INPUT_SIZE
    w2 = (point_labels == 2).to(c.dtype)
    w3 = (point_labels == 3).to(c.dtype)
    tl = (c * w2.unsqueeze(-1)).sum(1) / w2.sum(1, keepdim=True).clamp(min=1.0)
    br = (c * w3.unsqueeze(-1)).sum(1) / w3.sum(1, keepdim=True).clamp(min=1.0)
    return torch.cat([tl, br], 1)


def box_channels(box, n):
    """Four maps on an n x n grid of pixel centres: position relative to the box (x, y, each -1..1 across it),
    a soft inside indicator, and the signed distance to the nearest box edge in grid pixels (clipped)."""
    g = (torch.arange(n, dtype=box.dtype, device=box.device) + 0.5) / n
    x0, y0, x1, y1 = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
    cx, cy = ((x0 + x1) / 2).view(-1, 1, 1, 1), ((y0 + y1) / 2).view(-1, 1, 1, 1)
    hw = ((x1 - x0).abs() / 2).clamp(min=0.5 / n).view(-1, 1, 1, 1)
    hh = ((y1 - y0).abs() / 2).clamp(min=0.5 / n).view(-1, 1, 1, 1)
    gx, gy = g.view(1, 1, 1, n), g.view(1, 1, n, 1)
    ex = (hw - (gx - cx).abs()) * n  # grid pixels inside the box along x (negative outside)
    ey = (hh - (gy - cy).abs()) * n
    rx = ((gx - cx) / hw).clamp(-3, 3).expand(-1, 1, n, n)
    ry = ((gy - cy) / hh).clamp(-3, 3).expand(-1, 1, n, n)
    inside = torch.sigmoid(2 * ex) * torch.sigmoid(2 * ey)
    edge = torch.minimum(ex, ey).clamp(-4, 4) / 4
    return torch.cat([rx, ry, inside, edge], 1)


class Decoder(nn.Module):
    """Embedding + box maps -> dilated residual convs on the 64 grid, conditioned on features pooled inside
    the box and at its centre -> x4 pixel shuffle, joined with a x4 shuffle of the raw embedding for detail
    -> one 3x3 conv and a 1x1 -> 256x256 logits (the heavy spatial work stays on the cheap 64 grid). mask_input (a previous low-res logit map) enters as an extra map."""

    def __init__(self, c=48, cf=8):
        super().__init__()
        self.reduce = nn.Conv2d(EMBED_DIM, c, 1)
        self.fuse = nn.Conv2d(c + 5, c, 1)
        self.cond = nn.Linear(2 * c, c)
        self.blocks = nn.ModuleList(nn.Conv2d(c, c, 3, padding=d, dilation=d) for d in (1, 2, 4, 8))
        self.up = nn.Conv2d(c, 16 * cf, 1)
        self.fine = nn.Conv2d(EMBED_DIM, 16 * cf, 1)
        self.head1 = nn.Conv2d(2 * cf + 5, 16, 3, padding=1)
        self.head2 = nn.Conv2d(16, 1, 1)
        self.iou = nn.Linear(3 * c, 1)

    def fine_features(self, emb):
        """Per-image part (independent of the box); training computes it once per image."""
        return F.pixel_shuffle(self.fine(emb), 4)

    def forward(self, emb, box, prior, fine=None, reduced=None):
        """emb [B,256,64,64], box [B,4] normalised, prior [B,1,256,256] in [0,1] (0 = none). `fine` and
        `reduced` (self.reduce(emb)), when given, are the per-image parts computed once (the split decoder)."""
        e = self.reduce(emb) if reduced is None else reduced
        b64 = box_channels(box, GRID)
        p64 = F.avg_pool2d(prior, 4)
        inside, r2 = b64[:, 2:3], b64[:, 0:1] ** 2 + b64[:, 1:2] ** 2
        centre = torch.exp(-8.0 * r2) * inside
        g_in = (e * inside).sum((2, 3)) / (inside.sum((2, 3)) + 1e-3)
        g_c = (e * centre).sum((2, 3)) / (centre.sum((2, 3)) + 1e-3)
        g = torch.cat([g_in, g_c], 1)
        h = self.fuse(torch.cat([e, b64, p64], 1)) + self.cond(g)[:, :, None, None]
        for conv in self.blocks:
            h = h + conv(F.gelu(h))
        up = F.pixel_shuffle(self.up(F.gelu(h)), 4)
        if fine is None:
            fine = self.fine_features(emb)
        b256 = box_channels(box, LOW_RES)
        x = torch.cat([up, fine, b256, prior], 1)
        logits = self.head2(F.gelu(self.head1(x)))
        h_in = (h * inside).sum((2, 3)) / (inside.sum((2, 3)) + 1e-3)
        iou = torch.sigmoid(self.iou(torch.cat([h_in, g], 1)))
        return logits, iou


class SamContractDecoder(nn.Module):
    """Wraps Decoder in SAM's ONNX decoder signature (the names are set at export)."""

    def __init__(self, decoder: Decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        box = box_from_points(point_coords, point_labels)
        prior = torch.sigmoid(mask_input) * has_mask_input.view(-1, 1, 1, 1)
        low_res, iou = self.decoder(image_embeddings, box, prior)
        # Full-size logits: a plain bilinear stretch back to the original size (MedSAM resized without
        # padding, so no crop). MedSAM's own post-processing resizes probabilities instead of logits.
        size = orig_im_size.to(torch.int64)
        masks = F.interpolate(low_res, size=(size[0], size[1]), mode="bilinear", align_corners=False)
        return masks, iou, low_res


def save_weights(path, encoder, decoder):
    """Plain npz (not torch.save) so weights move between torch versions, e.g. trained on a GPU machine's
    torch 2.x and exported here with torch 1.13."""
    arrays = {f"encoder.{k}": v.detach().cpu().numpy() for k, v in encoder.state_dict().items()}
    arrays.update({f"decoder.{k}": v.detach().cpu().numpy() for k, v in decoder.state_dict().items()})
    np.savez(path, **arrays)


def load_weights(path):
    """-> (Encoder, Decoder) in eval mode."""
    data = np.load(path)
    enc, dec = Encoder(), Decoder()
    for prefix, module in (("encoder.", enc), ("decoder.", dec)):
        state = {k[len(prefix):]: torch.from_numpy(data[k]) for k in data.files if k.startswith(prefix)}
        module.load_state_dict(state)
    return enc.eval(), dec.eval()
