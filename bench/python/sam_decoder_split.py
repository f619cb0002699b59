"""The SAM-sized benchmark decoder split as models/export/split_decoder.py splits SAM's: the image part (once
per embedding) returns the first two-way block's three projections of the image tokens that depend on the
embedding alone (no mask prompt); the prompt part (per box) takes them and runs the rest."""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from sam_decoder import DIM, GRID, MASKS

IMAGE_OUTPUTS = ["t2i_keys", "t2i_values", "i2t_queries"]


def attend(attention, q, k, v):
    """Attention.forward after its three input projections."""
    q, k, v = attention.split(q), attention.split(k), attention.split(v)
    attn = (q @ k.transpose(-2, -1) / math.sqrt(attention.head_dim)).softmax(-1)
    out = (attn @ v).transpose(1, 2)
    return attention.out(out.reshape(out.shape[0], out.shape[1], -1))


def image_tokens(model, image_embeddings):
    src = (image_embeddings + model.no_mask.view(1, -1, 1, 1)).flatten(2).permute(0, 2, 1)
    return src, model.dense_pe.flatten(2).permute(0, 2, 1)


class ImagePart(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image_embeddings):
        src, pe = image_tokens(self.model, image_embeddings)
        block = self.model.transformer.blocks[0]
        return block.cross_tokens.k(src + pe), block.cross_tokens.v(src), block.cross_image.q(src + pe)


class PromptPart(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image_embeddings, point_coords, point_labels, t2i_keys, t2i_values, i2t_queries):
        m = self.model
        sparse = m.embed_points(point_coords, point_labels)
        tokens = torch.cat([torch.cat([m.iou_token, m.mask_tokens], 0)[None], sparse], 1)
        image, image_pe = image_tokens(m, image_embeddings)
        token_pe = tokens
        for i, block in enumerate(m.transformer.blocks):
            if i > 0:
                tokens, image = block(tokens, image, token_pe, image_pe)
                continue
            tokens = block.norms[0](block.self_attn(tokens, tokens, tokens))
            ct = block.cross_tokens
            tokens = block.norms[1](tokens + attend(ct, ct.q(tokens + token_pe), t2i_keys, t2i_values))
            tokens = block.norms[2](tokens + block.mlp(tokens))
            ci = block.cross_image
            image = block.norms[3](image + attend(ci, i2t_queries, ci.k(tokens + token_pe), ci.v(tokens)))
        t = m.transformer
        out_tokens = t.norm(tokens + t.final(tokens + token_pe, image + image_pe, image))
        image = image.transpose(1, 2).reshape(1, DIM, GRID, GRID)
        up = F.gelu(m.upscale2(F.gelu(m.upscale_norm(m.upscale1(image)))))
        hyper = torch.stack([net(out_tokens[:, 1 + i]) for i, net in enumerate(m.hypernets)], 1)
        low_res = (hyper @ up.flatten(2)).view(1, MASKS, 4 * GRID, 4 * GRID)
        return low_res, m.iou_head(out_tokens[:, 0])
