"""SAM's decoder split in two ONNX graphs: the image part (once per embedding) and the prompt part (per box).

With no mask prompt, SAM's dense prompt is the constant `no_mask_embed`, so the image tokens that enter the
two-way transformer (embedding + no_mask_embed) depend on the embedding alone. In the first two-way block three
projections of those 4096 tokens depend on nothing else:
  - token-to-image attention: keys  = k_proj(image + image_pe) and values = v_proj(image);
  - image-to-token attention: queries = q_proj(image + image_pe).
Everything after the first block's image-to-token attention mixes in the prompt. The image part returns the
three projections ([1, 4096, 128] each for SAM); the prompt part takes them with the embedding and the box and
runs the rest. The split decoder takes no mask prompt (the product never sends one).

Works on any module with `prompt_encoder` and `mask_decoder` as in segment_anything (MedSAM, LiteMedSAM) whose
forward is export_medsam.MedSamDecoder's.
"""
from __future__ import annotations

import math
import os

import torch
from torch import nn

#: The image part's outputs, in order (the manifest lists them; the prompt part takes them by these names).
IMAGE_OUTPUTS = ["t2i_keys", "t2i_values", "i2t_queries"]
IMAGE_FILE = "decoder_image.onnx"
PROMPT_FILE = "decoder_prompt.onnx"


def attend(attention, q, k, v):
    """segment_anything's Attention.forward after its three input projections (q, k, v already projected)."""
    heads = attention.num_heads

    def separate(x):
        b, n, c = x.shape
        return x.reshape(b, n, heads, c // heads).transpose(1, 2)

    q, k, v = separate(q), separate(k), separate(v)
    attn = torch.softmax(q @ k.permute(0, 1, 3, 2) / math.sqrt(q.shape[-1]), dim=-1)
    out = (attn @ v).transpose(1, 2)
    b, n = out.shape[0], out.shape[1]
    return attention.out_proj(out.reshape(b, n, -1))


def image_tokens(decoder, image_embeddings):
    """[1, 4096, 256] image tokens and their positional encoding, as predict_masks feeds the transformer
    with no mask prompt."""
    no_mask = decoder.prompt_encoder.no_mask_embed.weight.reshape(1, -1, 1, 1)
    src = (image_embeddings + no_mask).flatten(2).permute(0, 2, 1)
    pe = decoder.prompt_encoder.get_dense_pe().flatten(2).permute(0, 2, 1)
    return src, pe


class SamDecoderImagePart(nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings):
        src, pe = image_tokens(self.decoder, image_embeddings)
        block = self.decoder.mask_decoder.transformer.layers[0]
        t2i, i2t = block.cross_attn_token_to_image, block.cross_attn_image_to_token
        return t2i.k_proj(src + pe), t2i.v_proj(src), i2t.q_proj(src + pe)


class SamDecoderPromptPart(nn.Module):
    """MaskDecoder.predict_masks + TwoWayTransformer.forward with the first block's image projections given."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings, point_coords, point_labels, t2i_keys, t2i_values, i2t_queries):
        d = self.decoder
        md = d.mask_decoder
        sparse = d.embed_points(point_coords, point_labels)
        output_tokens = torch.cat([md.iou_token.weight, md.mask_tokens.weight], dim=0)
        tokens = torch.cat([output_tokens.unsqueeze(0).expand(sparse.size(0), -1, -1), sparse], dim=1)
        keys, key_pe = image_tokens(d, image_embeddings)
        transformer = md.transformer
        queries = tokens
        for i, block in enumerate(transformer.layers):
            if i == 0:
                queries = block.norm1(block.self_attn(q=queries, k=queries, v=queries))  # skip_first_layer_pe
                q = queries + tokens
                t2i = block.cross_attn_token_to_image
                queries = block.norm2(queries + attend(t2i, t2i.q_proj(q), t2i_keys, t2i_values))
                queries = block.norm3(queries + block.mlp(queries))
                q = queries + tokens
                i2t = block.cross_attn_image_to_token
                keys = block.norm4(keys + attend(i2t, i2t_queries, i2t.k_proj(q), i2t.v_proj(queries)))
            else:
                queries, keys = block(queries=queries, keys=keys, query_pe=tokens, key_pe=key_pe)
        attn_out = transformer.final_attn_token_to_image(q=queries + tokens, k=keys + key_pe, v=keys)
        hs = transformer.norm_final_attn(queries + attn_out)
        b, c, h, w = image_embeddings.shape
        src = keys.transpose(1, 2).reshape(b, c, h, w)
        upscaled = md.output_upscaling(src)
        hyper_in = torch.stack([mlp(hs[:, 1 + i, :]) for i, mlp in enumerate(md.output_hypernetworks_mlps)], dim=1)
        b, c, h, w = upscaled.shape
        masks = (hyper_in @ upscaled.view(b, c, h * w)).view(b, -1, h, w)
        iou = md.iou_prediction_head(hs[:, 0, :])
        k = d.mask_index
        return masks[:, k : k + 1, :, :], iou[:, k : k + 1]


def export_split_decoder(decoder, out_dir, embedding, opset, exporter_options=None):
    """Writes decoder_image.onnx and decoder_prompt.onnx beside decoder.onnx; returns the manifest's
    `decoderSplit` outputs list (onnx_tools.decoder_split_entry makes the entry)."""
    options = exporter_options or {}
    image_part = SamDecoderImagePart(decoder).eval()
    prompt_part = SamDecoderPromptPart(decoder).eval()
    with torch.no_grad():
        torch.onnx.export(image_part, (embedding,), os.path.join(out_dir, IMAGE_FILE), opset_version=opset,
                          do_constant_folding=True, input_names=["image_embeddings"], output_names=IMAGE_OUTPUTS,
                          **options)
        features = image_part(embedding)
        feeds = (embedding, torch.tensor([[[100.0, 200.0], [400.0, 500.0]]]), torch.tensor([[2.0, 3.0]]), *features)
        torch.onnx.export(prompt_part, feeds, os.path.join(out_dir, PROMPT_FILE), opset_version=opset,
                          do_constant_folding=True,
                          input_names=["image_embeddings", "point_coords", "point_labels", *IMAGE_OUTPUTS],
                          output_names=["low_res_masks", "iou_predictions"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
                          **options)
    return IMAGE_OUTPUTS
