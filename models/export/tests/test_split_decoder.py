"""The split decoder (split_decoder.py) gives the unsplit decoder's logits, through onnxruntime-node.

    python3 -m unittest discover -s models/export/tests -v

SAM's split needs MedSAM's `segment_anything` package: set MEDSAM_REPO to a clone of bowang-lab/MedSAM (only
segment_anything/modeling is imported, so torchvision is not needed); without it that test is skipped. The
decoder gets random weights (every parameter drawn, so no zero-initialised path hides a mistake).
"""
from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

try:
    import numpy as np
    import torch
    import onnx  # noqa: F401
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

if torch is not None:
    from onnx_tools import node_available, run_onnx

NO_TORCH = "python3-torch / python3-onnx are not installed"
NO_NODE = None if torch is None else node_available()
MEDSAM_REPO = os.environ.get("MEDSAM_REPO", "")
TOLERANCE = 1e-5


def load_sam_modeling(repo):
    """segment_anything.modeling from a MedSAM clone, without its package __init__ (which needs torchvision)."""
    root = os.path.join(repo, "segment_anything")
    pkg = importlib.util.module_from_spec(importlib.util.spec_from_loader("segment_anything", loader=None, is_package=True))
    pkg.__path__ = [root]
    sys.modules["segment_anything"] = pkg
    import segment_anything.modeling as modeling  # noqa: E402
    return modeling


def compare(out_dir, feeds_full, feeds_prompt_base, image_outputs):
    full, _ = run_onnx(os.path.join(out_dir, "decoder.onnx"), feeds_full, ["low_res_masks"])
    features, _ = run_onnx(os.path.join(out_dir, "decoder_image.onnx"), {"image_embeddings": feeds_full["image_embeddings"]})
    assert sorted(features) == sorted(image_outputs), features.keys()
    import onnx as _onnx
    wanted = [i.name for i in _onnx.load(os.path.join(out_dir, "decoder_prompt.onnx")).graph.input]
    available = {**feeds_prompt_base, **features}
    split, _ = run_onnx(os.path.join(out_dir, "decoder_prompt.onnx"), {k: available[k] for k in wanted}, ["low_res_masks"])
    a, b = full["low_res_masks"], split["low_res_masks"]
    return float(np.abs(a - b).max()), float(np.abs(a).max())


def sam_feeds(seed):
    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((1, 256, 64, 64)).astype(np.float32)
    coords = np.array([[[120.0 + seed, 300.0], [610.0, 820.0 - seed]]], np.float32)
    labels = np.array([[2.0, 3.0]], np.float32)
    full = {"image_embeddings": emb, "point_coords": coords, "point_labels": labels,
            "mask_input": np.zeros((1, 1, 256, 256), np.float32), "has_mask_input": np.zeros(1, np.float32),
            "orig_im_size": np.array([512.0, 512.0], np.float32)}
    return full, {"image_embeddings": emb, "point_coords": coords, "point_labels": labels}


@unittest.skipIf(torch is None, NO_TORCH)
@unittest.skipIf(NO_NODE is not None, str(NO_NODE))
class SplitDecoderTest(unittest.TestCase):
    def setUp(self):
        warnings.filterwarnings("ignore")

    @unittest.skipUnless(MEDSAM_REPO and os.path.isdir(os.path.join(MEDSAM_REPO, "segment_anything")),
                         "set MEDSAM_REPO to a clone of bowang-lab/MedSAM")
    def test_sam_split_equals_unsplit(self):
        modeling = load_sam_modeling(MEDSAM_REPO)
        import export_medsam as em
        from split_decoder import IMAGE_OUTPUTS, export_split_decoder

        torch.manual_seed(0)

        class Sam:  # what MedSamDecoder reads of a Sam model
            pass

        sam = Sam()
        sam.prompt_encoder = modeling.PromptEncoder(embed_dim=256, image_embedding_size=(64, 64),
                                                    input_image_size=(1024, 1024), mask_in_chans=16)
        sam.mask_decoder = modeling.MaskDecoder(
            num_multimask_outputs=3, transformer_dim=256, iou_head_depth=3, iou_head_hidden_dim=256,
            transformer=modeling.TwoWayTransformer(depth=2, embedding_dim=256, mlp_dim=2048, num_heads=8))
        with torch.no_grad():
            for p in list(sam.prompt_encoder.parameters()) + list(sam.mask_decoder.parameters()):
                p.normal_(0, 0.2)
        sam.image_encoder = type("Encoder", (), {"img_size": 1024})()
        with tempfile.TemporaryDirectory() as out:
            em.export_decoder(sam, os.path.join(out, "decoder.onnx"))
            export_split_decoder(em.MedSamDecoder(sam).eval(), out, torch.randn(1, 256, 64, 64), em.OPSET,
                                 em._exporter_options())
            for seed in (1, 2):
                diff, largest = compare(out, *sam_feeds(seed), IMAGE_OUTPUTS)
                self.assertGreater(largest, 1.0)
                self.assertLessEqual(diff, TOLERANCE * max(1.0, largest))

    def test_test_model_split_equals_unsplit(self):
        sys.path.insert(0, os.path.join(HERE, "..", "..", "testing"))
        from export_onnx import SPLIT_IMAGE_OUTPUTS, export_decoder, export_decoder_split
        from tiny_model import Decoder

        torch.manual_seed(0)
        decoder = Decoder().eval()
        with tempfile.TemporaryDirectory() as out:
            export_decoder(decoder, os.path.join(out, "decoder.onnx"))
            export_decoder_split(decoder, out)
            full, base = sam_feeds(3)
            diff, largest = compare(out, full, base, SPLIT_IMAGE_OUTPUTS)
            self.assertGreater(largest, 0.0)
            self.assertLessEqual(diff, TOLERANCE * max(1.0, largest))


if __name__ == "__main__":
    unittest.main()
