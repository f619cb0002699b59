"""The trainable part behind one interface: low-res logits [B,1,256,256] from embeddings [B,256,64,64] and boxes
in model space (1024 px, x0 y0 x1 y1). Only the mask decoder's parameters are returned for the optimiser; the
image encoder is never run (embeddings are precomputed) and the prompt encoder stays frozen.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from checkpoint import CheckpointError, load_medsam_decoder, load_test_model_decoder
from sam_layout import in_prompt_encoder

TEST_MODEL_NAME = "medsam-ohif-test-tiny"


class TestModelDecoder(torch.nn.Module):
    """The project's test model (NOT MedSAM): its decoder takes the box normalised as SAM's ONNX graph does
    (+0.5, / 1024) and no mask prior."""

    kind = "test-model"

    def __init__(self, decoder_onnx):
        super().__init__()
        self.decoder = load_test_model_decoder(decoder_onnx)

    def trainable(self):
        return list(self.decoder.parameters())

    def forward(self, embeddings, boxes_1024):
        box = (boxes_1024 + 0.5) / 1024.0
        prior = torch.zeros(embeddings.shape[0], 1, 256, 256, device=embeddings.device)
        logits, _ = self.decoder(embeddings, box, prior)
        return logits

    def export(self, path):
        from export_onnx import export_decoder
        export_decoder(self.decoder.cpu(), path)


class MedSamMaskDecoder(torch.nn.Module):
    """MedSAM ViT-B from its `.pth`: the prompt and mask decoder in the project's SAM-shaped module (sam_layout.py).
    The frozen prompt encoder turns the box into SAM's sparse prompt (no mask: the no-mask embedding); the mask
    decoder (trained) returns mask token 0 (multimask_output=False), as MedSAM's train.py does."""

    kind = "medsam"

    def __init__(self, checkpoint):
        super().__init__()
        self.decoder = load_medsam_decoder(checkpoint)
        for key, p in self.decoder.named_parameters():
            p.requires_grad_(not in_prompt_encoder(key))

    def trainable(self):
        return [p for p in self.decoder.parameters() if p.requires_grad]

    def forward(self, embeddings, boxes_1024):
        # SAM's predict_masks for a batch of images with one box each (bench/python's forward is batch 1).
        d = self.decoder
        b = embeddings.shape[0]
        labels = torch.tensor([[2.0, 3.0]], device=embeddings.device).expand(b, 2)  # box corners
        sparse = d.embed_points(boxes_1024.view(b, 2, 2), labels)
        tokens = torch.cat([torch.cat([d.iou_token, d.mask_tokens], 0)[None].expand(b, -1, -1), sparse], 1)
        out_tokens, image = d.transformer(embeddings + d.no_mask.view(1, -1, 1, 1), d.dense_pe, tokens)
        image = image.transpose(1, 2).reshape(b, -1, embeddings.shape[2], embeddings.shape[3])
        up = F.gelu(d.upscale2(F.gelu(d.upscale_norm(d.upscale1(image)))))
        hyper = d.hypernets[0](out_tokens[:, 1])  # mask token 0
        return (hyper[:, None] @ up.flatten(2)).view(b, 1, up.shape[2], up.shape[3])

    def export(self, path):
        from sam_export import export_sam_decoder
        export_sam_decoder(self.decoder.cpu(), path)


def open_decoder(model_manifest, manifest_dir, checkpoint=None):
    """The starting decoder: a MedSAM .pth (SAM's state-dict keys) when given, else the test model's own decoder.onnx."""
    if checkpoint:
        return MedSamMaskDecoder(checkpoint)
    if not model_manifest.get("testModel"):
        raise CheckpointError(
            f"{model_manifest.get('name')}: pass its PyTorch checkpoint with --checkpoint (only the test model's "
            "weights can be read back from its ONNX decoder)"
        )
    import os
    return TestModelDecoder(os.path.join(manifest_dir, model_manifest["decoder"]["file"]))
