"""A SAM-sized prompt encoder + mask decoder behind SAM's ONNX decoder contract, for benchmarks only
(random weights, NOT MedSAM).

Prompt encoder: random Fourier point encoding (+ label embeddings for -1, 0, 1, 2, 3), mask-input
downscaling convs and the no-mask embedding. Mask decoder: a two-way transformer (depth 2, 256 wide,
8 heads, MLP 2048, cross-attention at half width), then 2x2 transposed convs up to 32x256x256 and four
hypernetwork MLPs -> four low-res masks [1,4,256,256] plus IoU predictions. About 4 M parameters, as SAM's.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from vitb_encoder import ChannelNorm

DIM = 256
HEADS = 8
MASKS = 4
GRID = 64
INPUT_SIZE = 1024


class Mlp(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


class Attention(nn.Module):
    """Attention between separate query, key and value sequences, optionally at reduced width."""

    def __init__(self, downsample=1):
        super().__init__()
        inner = DIM // downsample
        self.head_dim = inner // HEADS
        self.q = nn.Linear(DIM, inner)
        self.k = nn.Linear(DIM, inner)
        self.v = nn.Linear(DIM, inner)
        self.out = nn.Linear(inner, DIM)

    def split(self, x):
        b, n, _ = x.shape
        return x.reshape(b, n, HEADS, self.head_dim).transpose(1, 2)

    def forward(self, q, k, v):
        q, k, v = self.split(self.q(q)), self.split(self.k(k)), self.split(self.v(v))
        attn = (q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)).softmax(-1)
        out = (attn @ v).transpose(1, 2)
        return self.out(out.reshape(out.shape[0], out.shape[1], -1))


class TwoWayBlock(nn.Module):
    def __init__(self, first):
        super().__init__()
        self.first = first
        self.self_attn = Attention()
        self.cross_tokens = Attention(2)
        self.mlp = Mlp([DIM, 2048, DIM])
        self.cross_image = Attention(2)
        self.norms = nn.ModuleList(nn.LayerNorm(DIM) for _ in range(4))

    def forward(self, tokens, image, token_pe, image_pe):
        if self.first:
            tokens = self.self_attn(tokens, tokens, tokens)
        else:
            q = tokens + token_pe
            tokens = tokens + self.self_attn(q, q, tokens)
        tokens = self.norms[0](tokens)
        tokens = self.norms[1](tokens + self.cross_tokens(tokens + token_pe, image + image_pe, image))
        tokens = self.norms[2](tokens + self.mlp(tokens))
        image = self.norms[3](image + self.cross_image(image + image_pe, tokens + token_pe, tokens))
        return tokens, image


class TwoWayTransformer(nn.Module):
    def __init__(self, depth=2):
        super().__init__()
        self.blocks = nn.ModuleList(TwoWayBlock(i == 0) for i in range(depth))
        self.final = Attention(2)
        self.norm = nn.LayerNorm(DIM)

    def forward(self, image, image_pe, tokens):
        image = image.flatten(2).permute(0, 2, 1)
        image_pe = image_pe.flatten(2).permute(0, 2, 1)
        token_pe = tokens
        for block in self.blocks:
            tokens, image = block(tokens, image, token_pe, image_pe)
        tokens = self.norm(tokens + self.final(tokens + token_pe, image + image_pe, image))
        return tokens, image


class FourierPositions(nn.Module):
    """Coordinates in [0, 1] -> 256 sin/cos features of a fixed random projection."""

    def __init__(self):
        super().__init__()
        self.register_buffer("gaussian", torch.randn(2, DIM // 2))

    def forward(self, coords):
        x = (2 * coords - 1) @ self.gaussian * (2 * math.pi)
        return torch.cat([torch.sin(x), torch.cos(x)], -1)

    def grid(self):
        c = (torch.arange(GRID, dtype=torch.float32) + 0.5) / GRID
        ys, xs = torch.meshgrid(c, c, indexing="ij")
        return self.forward(torch.stack([xs, ys], -1)).permute(2, 0, 1)[None]  # [1, 256, 64, 64]


class SamSizedDecoder(nn.Module):
    """SAM's ONNX decoder signature; outputs (masks at orig_im_size, iou_predictions, low_res_masks)."""

    def __init__(self, input_size=INPUT_SIZE):
        super().__init__()
        self.input_size = input_size  # the encoder's input side: points arrive in that space (1024, or 256)
        self.positions = FourierPositions()
        self.register_buffer("dense_pe", self.positions.grid())
        self.label_embeddings = nn.Parameter(torch.randn(4, DIM))  # labels 0, 1, 2, 3
        self.not_a_point = nn.Parameter(torch.randn(DIM))
        self.mask_downscaling = nn.Sequential(
            nn.Conv2d(1, 4, 2, stride=2), ChannelNorm(4), nn.GELU(),
            nn.Conv2d(4, 16, 2, stride=2), ChannelNorm(16), nn.GELU(),
            nn.Conv2d(16, DIM, 1),
        )
        self.no_mask = nn.Parameter(torch.randn(DIM))
        self.iou_token = nn.Parameter(torch.randn(1, DIM))
        self.mask_tokens = nn.Parameter(torch.randn(MASKS, DIM))
        self.transformer = TwoWayTransformer()
        self.upscale1 = nn.ConvTranspose2d(DIM, DIM // 4, 2, stride=2)
        self.upscale_norm = ChannelNorm(DIM // 4)
        self.upscale2 = nn.ConvTranspose2d(DIM // 4, DIM // 8, 2, stride=2)
        self.hypernets = nn.ModuleList(Mlp([DIM, DIM, DIM, DIM // 8]) for _ in range(MASKS))
        self.iou_head = Mlp([DIM, DIM, DIM, MASKS])

    def embed_points(self, coords, labels):
        pe = self.positions((coords + 0.5) / self.input_size)
        labels = labels.unsqueeze(-1)
        pe = pe * (labels != -1).to(pe.dtype) + self.not_a_point * (labels == -1).to(pe.dtype)
        for i in range(4):
            pe = pe + self.label_embeddings[i] * (labels == i).to(pe.dtype)
        return pe

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        sparse = self.embed_points(point_coords, point_labels)
        has = has_mask_input.view(-1, 1, 1, 1)
        dense = self.mask_downscaling(mask_input) * has + self.no_mask.view(1, -1, 1, 1) * (1 - has)
        tokens = torch.cat([self.iou_token, self.mask_tokens], 0)[None]
        tokens = torch.cat([tokens, sparse], 1)
        out_tokens, image = self.transformer(image_embeddings + dense, self.dense_pe, tokens)
        image = image.transpose(1, 2).reshape(1, DIM, GRID, GRID)
        up = F.gelu(self.upscale2(F.gelu(self.upscale_norm(self.upscale1(image)))))
        hyper = torch.stack([net(out_tokens[:, 1 + i]) for i, net in enumerate(self.hypernets)], 1)
        low_res = (hyper @ up.flatten(2)).view(1, MASKS, 4 * GRID, 4 * GRID)
        iou = self.iou_head(out_tokens[:, 0])
        size = orig_im_size.to(torch.int64)
        masks = F.interpolate(low_res, size=(size[0], size[1]), mode="bilinear", align_corners=False)
        return masks, iou, low_res
