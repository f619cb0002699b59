"""The MedSAM checkpoint start path (sam_layout.py, checkpoint.load_medsam_decoder, MedSamMaskDecoder, sam_export.py)
against SAM's own key list and SAM's own outputs (sam_reference.npz), without a MedSAM clone.

    /usr/bin/python3 -m unittest discover -s models/finetune/tests -v

With MEDSAM_REPO (a clone of bowang-lab/MedSAM) the fixtures themselves are checked against segment_anything.
"""
from __future__ import annotations

import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sam_reference import FIXTURE, inputs, keys_fixture, sam_keys, sam_outputs, seeded_sam_state  # noqa: E402
from checkpoint import CheckpointError, load_medsam_decoder  # noqa: E402
from decoders import MedSamMaskDecoder  # noqa: E402
from onnx_tools import node_available, run_onnx  # noqa: E402
from sam_export import export_sam_decoder  # noqa: E402
from sam_layout import from_sam_state, in_prompt_encoder, sam_keys_needed, to_sam_state  # noqa: E402

MEDSAM_REPO = os.environ.get("MEDSAM_REPO", "")
TOLERANCE = 1e-4  # float32 logits of about 2 through a different but equivalent sequence of operations


class KeyLayout(unittest.TestCase):
    def test_the_mapping_gives_exactly_sam_vit_b_keys_and_shapes(self):
        self.assertEqual(sam_keys_needed(), keys_fixture())

    def test_round_trip_keeps_every_tensor(self):
        a = seeded_sam_state()
        b = to_sam_state(from_sam_state(a, "round trip"))
        self.assertEqual(sorted(a), sorted(b))
        for k, v in a.items():
            self.assertTrue(torch.equal(v, b[k]), k)

    def test_prompt_encoder_and_mask_decoder_are_told_apart(self):
        frozen = {k for k, _ in from_sam_state(seeded_sam_state(), "seeded").named_parameters() if in_prompt_encoder(k)}
        self.assertEqual(frozen, {"label_embeddings", "not_a_point", "no_mask"} | {k for k in frozen if k.startswith("mask_downscaling.")})
        self.assertEqual(len([k for k in frozen if k.startswith("mask_downscaling.")]), 10)

    def test_refusals_name_the_file_and_the_tensor(self):
        state = seeded_sam_state()
        with tempfile.TemporaryDirectory() as tmp:
            cases = {
                "missing": ({k: v for k, v in state.items() if "iou_prediction_head.layers.2" not in k}, r"missing\.pth: no mask_decoder\.iou_prediction_head\.layers\.2\.weight \(and 1 more"),
                "shape": ({**state, "mask_decoder.mask_tokens.weight": torch.zeros(3, 256)}, r"shape\.pth: mask_decoder\.mask_tokens\.weight has shape \[3, 256\], SAM ViT-B's is \[4, 256\]"),
                "extra": ({**state, "mask_decoder.extra.weight": torch.zeros(1)}, r"extra\.pth: mask_decoder\.extra\.weight is not part of SAM ViT-B's decoder"),
                "lists": ([1, 2, 3], r"lists\.pth: not a state dict of tensors"),
            }
            for name, (content, message) in cases.items():
                path = os.path.join(tmp, f"{name}.pth")
                torch.save(content, path)
                with self.assertRaisesRegex(CheckpointError, message):
                    load_medsam_decoder(path)
            junk = os.path.join(tmp, "junk.pth")
            with open(junk, "wb") as f:
                f.write(b"not a checkpoint")
            with self.assertRaisesRegex(CheckpointError, r"junk\.pth: not a PyTorch checkpoint"):
                load_medsam_decoder(junk)


class SameOutputsAsSam(unittest.TestCase):
    """The fixture holds segment_anything's logits for the seeded weights (sam_reference.py)."""

    @classmethod
    def setUpClass(cls):
        cls.ref = dict(np.load(FIXTURE))
        cls.x = inputs()
        cls.tmp = tempfile.TemporaryDirectory()
        # A MedSAM-format checkpoint: SAM's keys, an image encoder beside the decoder, wrapped as MedSAM's
        # train.py saves it ({"model": ...}).
        state = {"image_encoder.patch_embed.proj.weight": torch.zeros(768, 3, 16, 16), **seeded_sam_state()}
        cls.checkpoint = os.path.join(cls.tmp.name, "medsam_format.pth")
        torch.save({"model": state, "epoch": 0}, cls.checkpoint)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_training_forward_is_medsams_call(self):
        model = MedSamMaskDecoder(self.checkpoint).eval()
        with torch.no_grad():
            logits = model(torch.from_numpy(self.x["embeddings"]), torch.from_numpy(self.x["boxes"]))
        self.assertEqual(tuple(logits.shape), (2, 1, 256, 256))
        got = logits.reshape(2, -1)[:, self.x["pixels"]].numpy()
        self.assertLess(float(np.abs(got - self.ref["train_logits"]).max()), TOLERANCE)
        self.assertGreater(float(np.abs(self.ref["train_logits"]).max()), 1.0)  # not a trivial fixture

    def test_only_the_mask_decoder_trains(self):
        model = MedSamMaskDecoder(self.checkpoint)
        trainable = {id(p) for p in model.trainable()}
        names = [k for k, p in model.decoder.named_parameters() if id(p) in trainable]
        self.assertTrue(names and all(not in_prompt_encoder(k) for k in names))
        self.assertEqual(len(names) + 13, len(list(model.decoder.parameters())))  # 13 prompt-encoder tensors stay frozen

    @unittest.skipIf(node_available(), "needs node with onnxruntime-node")
    def test_export_has_the_contract_and_sams_logits(self):
        import onnx
        model = MedSamMaskDecoder(self.checkpoint)
        path = os.path.join(self.tmp.name, "decoder.onnx")
        model.export(path)
        graph = onnx.load(path).graph
        self.assertEqual([i.name for i in graph.input], ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"])
        dims = {o.name: [d.dim_value for d in o.type.tensor_type.shape.dim] for o in graph.output}
        self.assertEqual(dims, {"low_res_masks": [1, 1, 256, 256], "iou_predictions": [1, 1]})
        b = self.x["boxes"][0]
        out, _ = run_onnx(path, {
            "image_embeddings": self.x["embeddings"][:1],
            "point_coords": np.array([[self.x["point"][0], b[:2], b[2:]]], np.float32),
            "point_labels": np.array([[1.0, 2.0, 3.0]], np.float32),
            "mask_input": self.x["mask"], "has_mask_input": np.ones(1, np.float32),
            "orig_im_size": np.array([512.0, 512.0], np.float32)})
        got = out["low_res_masks"].reshape(1, -1)[:, self.x["pixels"]]
        self.assertLess(float(np.abs(got - self.ref["contract_logits"]).max()), TOLERANCE)
        self.assertLess(float(np.abs(out["iou_predictions"].ravel() - self.ref["contract_iou"]).max()), TOLERANCE)


@unittest.skipUnless(MEDSAM_REPO, "set MEDSAM_REPO to a clone of bowang-lab/MedSAM to check the fixtures against segment_anything")
class FixturesAgainstSegmentAnything(unittest.TestCase):
    def test_key_list(self):
        self.assertEqual(sam_keys(MEDSAM_REPO), keys_fixture())

    def test_outputs(self):
        live = sam_outputs(MEDSAM_REPO)
        for k, v in np.load(FIXTURE).items():
            self.assertLess(float(np.abs(live[k] - v).max()), 1e-6, k)


if __name__ == "__main__":
    unittest.main()
