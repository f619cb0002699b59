"""A TinyViT-shaped image encoder with LiteMedSAM's dimensions, for benchmarks only (random weights, NOT
LiteMedSAM). Written for this project from the architecture's published shapes (bowang-lab/MedSAM, branch
LiteMedSAM, tiny_vit_sam.py: TinyViT(img_size=256, embed_dims=[64, 128, 160, 320], depths=[2, 2, 6, 2],
num_heads=[2, 4, 5, 10], window_sizes=[7, 7, 14, 7])), so that its cost is the real model's.

[1,3,256,256] -> stem: two 1x1 conv+BN (3 -> 32 -> 64, GELU between; no downsampling, as LiteMedSAM's 256-input
variant) -> stage 0 at 256x256: 2 inverted-residual conv blocks (1x1 to 4x, 3x3 depthwise, 1x1 back, GELU)
-> merge to 128 channels, 128x128 -> stage 1: 2 attention blocks (4 heads, 7x7 windows) -> merge to 160, 64x64
-> stage 2: 6 blocks (5 heads, 14x14 windows) -> merge to 320 at 64x64 (stride 1) -> stage 3: 2 blocks
(10 heads, 7x7 windows) -> neck (1x1 conv to 256, channel LayerNorm, 3x3 conv, channel LayerNorm)
-> [1,256,64,64]. An attention block: windowed attention (grid zero-padded to a multiple of the window, the
LayerNorm inside the attention, a learned per-head bias by |row offset|, |column offset|), residual, a 3x3
depthwise conv+BN over the grid, then a LayerNorm + MLP (4x, GELU) residual. 5.73 M parameters with the
attention-bias tables and 75 GFLOPs per image (torch profiler), both as the branch's TinyViT at these settings.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from vitb_encoder import ChannelNorm

INPUT_SIZE = 256
DIMS = (64, 128, 160, 320)
DEPTHS = (2, 2, 6, 2)
HEADS = (2, 4, 5, 10)
WINDOWS = (7, 7, 14, 7)
EXPAND = 4
OUT_CHANNELS = 256


def conv_bn(cin, cout, kernel=1, stride=1, groups=1):
    """Conv without bias + BatchNorm with random running statistics (so that the exported graph has the
    Conv + BatchNormalization pairs of a real checkpoint's export, which onnxruntime fuses)."""
    bn = nn.BatchNorm2d(cout)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_(0, 0.1)
        bn.running_mean.normal_(0, 0.1)
        bn.running_var.uniform_(0.5, 1.5)
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), bn)


class InvertedResidual(nn.Module):
    """Stage 0's conv block: expand, depthwise 3x3, project, add the input, GELU."""

    def __init__(self, dim):
        super().__init__()
        hidden = dim * EXPAND
        self.expand = conv_bn(dim, hidden)
        self.depthwise = conv_bn(hidden, hidden, 3, groups=hidden)
        self.project = conv_bn(hidden, dim)

    def forward(self, x):
        y = F.gelu(self.depthwise(F.gelu(self.expand(x))))
        return F.gelu(x + self.project(y))


class Merge(nn.Module):
    """Between stages: 1x1 to the next width, depthwise 3x3 (stride 2, or 1 into the last stage), 1x1."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.widen = conv_bn(cin, cout)
        self.depthwise = conv_bn(cout, cout, 3, stride, groups=cout)
        self.mix = conv_bn(cout, cout)

    def forward(self, x):  # NCHW -> NCHW
        return self.mix(F.gelu(self.depthwise(F.gelu(self.widen(x)))))


def offset_index(window):
    """[w*w, w*w] index of (|dy|, |dx|) between two positions of a window, into a w*w-entry table."""
    ys, xs = torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")
    ys, xs = ys.flatten(), xs.flatten()
    return (ys[:, None] - ys[None, :]).abs() * window + (xs[:, None] - xs[None, :]).abs()


class WindowAttention(nn.Module):
    """LayerNorm, q/k/v of the head width each, softmax(q k^T / sqrt(d) + bias) v, projection."""

    def __init__(self, dim, heads, window):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.bias_table = nn.Parameter(torch.randn(heads, window * window) * 0.02)
        self.register_buffer("bias_index", offset_index(window), persistent=False)

    def forward(self, x):  # [windows, n, dim]
        b, n, _ = x.shape
        qkv = self.qkv(self.norm(x)).view(b, n, self.heads, 3 * self.head_dim).permute(0, 2, 1, 3)
        q, k, v = qkv.split(self.head_dim, dim=-1)
        attn = (q @ k.transpose(-2, -1) * self.head_dim ** -0.5 + self.bias_table[:, self.bias_index]).softmax(-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, -1))


class AttentionBlock(nn.Module):
    def __init__(self, dim, heads, window, size):
        super().__init__()
        self.window = window
        self.size = size
        self.attn = WindowAttention(dim, heads, window)
        self.local = conv_bn(dim, dim, 3, groups=dim)
        self.mlp_norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, EXPAND * dim)
        self.fc2 = nn.Linear(EXPAND * dim, dim)

    def windowed(self, x):  # [1, L, C] tokens of a size x size grid
        s, w = self.size, self.window
        c = x.shape[-1]
        if s == w:
            return self.attn(x)
        pad = (w - s % w) % w
        g = F.pad(x.view(1, s, s, c), (0, 0, 0, pad, 0, pad))
        n = (s + pad) // w
        g = g.view(1, n, w, n, w, c).transpose(2, 3).reshape(n * n, w * w, c)
        g = self.attn(g).view(1, n, n, w, w, c).transpose(2, 3).reshape(1, s + pad, s + pad, c)
        return g[:, :s, :s].reshape(1, s * s, c)

    def forward(self, x):
        s = self.size
        c = x.shape[-1]
        x = x + self.windowed(x)
        x = self.local(x.transpose(1, 2).reshape(1, c, s, s)).reshape(1, c, s * s).transpose(1, 2)
        return x + self.fc2(F.gelu(self.fc1(self.mlp_norm(x))))


class TinyVitEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, DIMS[0] // 2), nn.GELU(), conv_bn(DIMS[0] // 2, DIMS[0]))
        self.stage0 = nn.Sequential(*(InvertedResidual(DIMS[0]) for _ in range(DEPTHS[0])))
        sizes = (INPUT_SIZE, INPUT_SIZE // 2, INPUT_SIZE // 4, INPUT_SIZE // 4)
        self.merges = nn.ModuleList(
            Merge(DIMS[i], DIMS[i + 1], 2 if sizes[i + 1] < sizes[i] else 1) for i in range(3))
        self.stages = nn.ModuleList(
            nn.Sequential(*(AttentionBlock(DIMS[i], HEADS[i], WINDOWS[i], sizes[i]) for _ in range(DEPTHS[i])))
            for i in (1, 2, 3))
        self.sizes = sizes
        self.neck = nn.Sequential(
            nn.Conv2d(DIMS[3], OUT_CHANNELS, 1, bias=False), ChannelNorm(OUT_CHANNELS),
            nn.Conv2d(OUT_CHANNELS, OUT_CHANNELS, 3, padding=1, bias=False), ChannelNorm(OUT_CHANNELS))

    def forward(self, image):
        x = self.stage0(self.stem(image))
        for i, stage in enumerate(self.stages):
            x = self.merges[i](x)  # NCHW at the next stage's size
            s = self.sizes[i + 1]
            x = stage(x.flatten(2).transpose(1, 2))
            x = x.transpose(1, 2).reshape(1, DIMS[i + 1], s, s)
        return self.neck(x)
