"""The trainable part behind one interface: low-res logits [B,1,256,256] from embeddings [B,256,64,64] and boxes
in model space (1024 px, x0 y0 x1 y1). Only the mask decoder's parameters are returned for the optimiser; the
image encoder is never run (embeddings are precomputed) and the prompt encoder stays frozen.
"""
from __future__ import annotations

import torch

from checkpoint import CheckpointError, load_medsam, load_test_model_decoder

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
    """MedSAM ViT-B: the frozen prompt encoder turns the box into sparse/dense prompts, the mask decoder
    (trained) returns one mask (multimask_output=False, token 0), as MedSAM's train.py does."""

    kind = "medsam"

    def __init__(self, checkpoint):
        super().__init__()
        self.sam = load_medsam(checkpoint)
        for p in self.sam.image_encoder.parameters():
            p.requires_grad_(False)
        for p in self.sam.prompt_encoder.parameters():
            p.requires_grad_(False)

    def trainable(self):
        return list(self.sam.mask_decoder.parameters())

    def forward(self, embeddings, boxes_1024):
        with torch.no_grad():
            sparse, dense = self.sam.prompt_encoder(points=None, boxes=boxes_1024[:, None, :], masks=None)
        logits, _ = self.sam.mask_decoder(
            image_embeddings=embeddings,
            image_pe=self.sam.prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            multimask_output=False,
        )
        return logits

    def export(self, path):
        from export_medsam import export_decoder
        export_decoder(self.sam.cpu(), path)


def open_decoder(model_manifest, manifest_dir, checkpoint=None):
    """The starting decoder: a MedSAM .pth when given, else the test model's own decoder.onnx."""
    if checkpoint:
        return MedSamMaskDecoder(checkpoint)
    if not model_manifest.get("testModel"):
        raise CheckpointError(
            f"{model_manifest.get('name')}: pass its PyTorch checkpoint with --checkpoint (only the test model's "
            "weights can be read back from its ONNX decoder)"
        )
    import os
    return TestModelDecoder(os.path.join(manifest_dir, model_manifest["decoder"]["file"]))
