"""A ViT-B-shaped image encoder with SAM's tensor shapes, for benchmarks only (random weights, NOT MedSAM).

[1,3,1024,1024] -> 16x16 patch conv -> 64x64 tokens of 768 + absolute position embedding -> 12 blocks
(LayerNorm, 12-head attention with decomposed relative position terms, MLP 3072 with GELU); blocks 2, 5, 8
and 11 attend globally, the others within 14x14 windows (the grid is padded to 70x70) -> neck: 1x1 conv to
256, channel LayerNorm, 3x3 conv, channel LayerNorm -> [1,256,64,64]. About 90 M parameters, as ViT-B.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

DIM = 768
DEPTH = 12
HEADS = 12
PATCH = 16
GRID = 64  # 1024 / 16
WINDOW = 14
GLOBAL_BLOCKS = (2, 5, 8, 11)
OUT_CHANNELS = 256


class ChannelNorm(nn.Module):
    """LayerNorm over the channel axis of an NCHW tensor."""

    def __init__(self, channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(1, keepdim=True)
        var = (x - mean).pow(2).mean(1, keepdim=True)
        x = (x - mean) / torch.sqrt(var + self.eps)
        return x * self.weight[:, None, None] + self.bias[:, None, None]


def relative_index(size):
    """[size, size] index into a (2*size - 1)-row table: query row i, key row j -> i - j + size - 1."""
    q = torch.arange(size)[:, None]
    k = torch.arange(size)[None, :]
    return q - k + size - 1


class Attention(nn.Module):
    """Multi-head self-attention over an [B, H, W, C] grid with decomposed relative position terms."""

    def __init__(self, size):
        super().__init__()
        self.head_dim = DIM // HEADS
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.rel_h = nn.Parameter(torch.randn(2 * size - 1, self.head_dim) * 0.02)
        self.rel_w = nn.Parameter(torch.randn(2 * size - 1, self.head_dim) * 0.02)
        self.register_buffer("index", relative_index(size), persistent=False)

    def forward(self, x):
        b, h, w, _ = x.shape
        qkv = self.qkv(x).reshape(b, h * w, 3, HEADS, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.reshape(3, b * HEADS, h * w, self.head_dim).unbind(0)
        scores = (q * self.scale) @ k.transpose(-2, -1)
        rq = q.reshape(b * HEADS, h, w, self.head_dim)
        bias_h = torch.einsum("nhwc,hkc->nhwk", rq, self.rel_h[self.index])
        bias_w = torch.einsum("nhwc,wkc->nhwk", rq, self.rel_w[self.index])
        scores = scores.view(-1, h, w, h, w) + bias_h[:, :, :, :, None] + bias_w[:, :, :, None, :]
        attn = scores.view(-1, h * w, h * w).softmax(-1)
        out = (attn @ v).view(b, HEADS, h, w, self.head_dim).permute(0, 2, 3, 1, 4).reshape(b, h, w, DIM)
        return self.proj(out)


def to_windows(x):
    """[1, 64, 64, C] -> [25, 14, 14, C] (zero-padded to 70x70)."""
    pad = (WINDOW - GRID % WINDOW) % WINDOW
    x = F.pad(x, (0, 0, 0, pad, 0, pad))
    n = (GRID + pad) // WINDOW
    x = x.view(1, n, WINDOW, n, WINDOW, DIM).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(n * n, WINDOW, WINDOW, DIM)


def from_windows(x):
    pad = (WINDOW - GRID % WINDOW) % WINDOW
    n = (GRID + pad) // WINDOW
    x = x.view(1, n, n, WINDOW, WINDOW, DIM).permute(0, 1, 3, 2, 4, 5).reshape(1, n * WINDOW, n * WINDOW, DIM)
    return x[:, :GRID, :GRID, :]


class Block(nn.Module):
    def __init__(self, windowed):
        super().__init__()
        self.windowed = windowed
        self.norm1 = nn.LayerNorm(DIM, eps=1e-6)
        self.attn = Attention(WINDOW if windowed else GRID)
        self.norm2 = nn.LayerNorm(DIM, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM))

    def forward(self, x):
        h = self.norm1(x)
        h = from_windows(self.attn(to_windows(h))) if self.windowed else self.attn(h)
        x = x + h
        return x + self.mlp(self.norm2(x))


class VitBEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, DIM, PATCH, stride=PATCH)
        self.pos_embed = nn.Parameter(torch.randn(1, GRID, GRID, DIM) * 0.02)
        self.blocks = nn.ModuleList(Block(i not in GLOBAL_BLOCKS) for i in range(DEPTH))
        self.neck = nn.Sequential(
            nn.Conv2d(DIM, OUT_CHANNELS, 1, bias=False),
            ChannelNorm(OUT_CHANNELS),
            nn.Conv2d(OUT_CHANNELS, OUT_CHANNELS, 3, padding=1, bias=False),
            ChannelNorm(OUT_CHANNELS),
        )

    def forward(self, image):
        x = self.patch_embed(image).permute(0, 2, 3, 1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.neck(x.permute(0, 3, 1, 2))
