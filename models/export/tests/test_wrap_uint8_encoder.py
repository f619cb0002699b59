"""Tests of models/export/wrap_uint8_encoder.py on small generated encoders (no torch, no MedSAM).

    python3 -m unittest discover -s models/export/tests -v

Skipped entirely without the `onnx` package (Debian: python3-onnx); the tests that run the models also need
node and this repository's onnxruntime-node (npm install), and are skipped without them.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:  # pragma: no cover - depends on the machine
    onnx = None

if onnx is not None:
    import wrap_uint8_encoder as w
    from onnx_tools import node_available, run_onnx, sha256_file

NO_ONNX = "python3-onnx is not installed"
NO_NODE = None if onnx is None else node_available()

S = 32


def identity_encoder(size=S, opset=17, dims=None):
    """image [1,3,S,S] -> image_embeddings: the same tensor, so the wrapper's preprocessing is visible."""
    dims = dims or [1, 3, size, size]
    graph = helper.make_graph(
        [helper.make_node("Identity", ["image"], ["image_embeddings"])], "identity",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, dims)],
        [helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, dims)],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def conv_encoder(size=S, opset=17):
    """A patch-embedding-like encoder whose channels have different weights (catches channel mix-ups)."""
    rng = np.random.default_rng(3)
    weight = rng.normal(0, 1, (8, 3, 4, 4)).astype(np.float32)
    bias = rng.normal(0, 1, 8).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["image", "w", "b"], ["patches"], kernel_shape=[4, 4], strides=[4, 4]),
            helper.make_node("Tanh", ["patches"], ["emb"]),
        ],
        "conv",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, [1, 8, size // 4, size // 4])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def images(size=S):
    rng = np.random.default_rng(7)
    return {
        "random 17..231": rng.integers(17, 232, (size, size)).astype(np.uint8),
        "full range 0..255": rng.integers(0, 256, (size, size)).astype(np.uint8),
        "constant 90 (range 0)": np.full((size, size), 90, np.uint8),
        "all zero": np.zeros((size, size), np.uint8),
        "two values 3 and 4": (3 + (rng.random((size, size)) > 0.5)).astype(np.uint8),
        "structured": w.test_image(size),
    }


@unittest.skipIf(onnx is None, NO_ONNX)
class WrapStructure(unittest.TestCase):
    def test_graph(self):
        wrapped, size = w.wrap(identity_encoder())
        onnx.checker.check_model(wrapped)
        self.assertEqual(size, S)
        [inp] = wrapped.graph.input
        self.assertEqual(inp.name, "image_u8")
        self.assertEqual(inp.type.tensor_type.elem_type, TensorProto.UINT8)
        self.assertEqual([d.dim_value for d in inp.type.tensor_type.shape.dim], [S, S])
        self.assertEqual([o.name for o in wrapped.graph.output], ["image_embeddings"])
        self.assertEqual(
            [n.op_type for n in wrapped.graph.node],
            ["Cast", "ReduceMin", "ReduceMax", "Sub", "Max", "Sub", "Div", "Reshape", "Expand", "Identity"],
        )
        # The original graph reads the name the last wrapper node writes.
        self.assertEqual(wrapped.graph.node[8].output, ["image"])
        self.assertEqual(wrapped.graph.node[9].input, ["image"])

    def test_graph_of_the_padding_profile(self):
        wrapped, size = w.wrap(identity_encoder(), profile=w.LONGEST)
        onnx.checker.check_model(wrapped)
        self.assertEqual(size, S)
        [inp] = wrapped.graph.input
        self.assertEqual(inp.type.tensor_type.elem_type, TensorProto.UINT8)
        self.assertEqual([d.dim_param for d in inp.type.tensor_type.shape.dim], ["rows", "columns"])
        ops = [n.op_type for n in wrapped.graph.node]
        # Min-max first (over the unpadded input), then the padding, then the 3 channels.
        self.assertLess(ops.index("Div"), ops.index("Pad"))
        self.assertEqual(ops[-3:], ["Reshape", "Expand", "Identity"])
        with self.assertRaisesRegex(ValueError, "unknown profile"):
            w.wrap(identity_encoder(), profile="longest")

    def test_original_untouched_and_not_rewrapped(self):
        model = identity_encoder()
        before = model.SerializeToString()
        wrapped, _ = w.wrap(model)
        self.assertEqual(model.SerializeToString(), before)
        with self.assertRaises(ValueError):
            w.wrap(wrapped)

    def test_shapes(self):
        with self.assertRaisesRegex(ValueError, "--size"):
            w.wrap(identity_encoder(dims=[1, 3, "h", "w"]))
        wrapped, size = w.wrap(identity_encoder(dims=[1, 3, "h", "w"]), size=S)
        self.assertEqual(size, S)
        with self.assertRaisesRegex(ValueError, "expected \\[1, 3, S, S\\]"):
            w.wrap(identity_encoder(dims=[1, 1, S, S]))
        with self.assertRaisesRegex(ValueError, "contradicts"):
            w.wrap(identity_encoder(), size=S * 2)
        with self.assertRaisesRegex(ValueError, "no input named"):
            w.wrap(identity_encoder(), input_name="x")


@unittest.skipIf(onnx is None, NO_ONNX)
@unittest.skipIf(NO_NODE is not None, str(NO_NODE))
class WrapNumerics(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def save(self, model, name):
        path = os.path.join(self.tmp.name, name)
        onnx.save(model, path)
        return path

    def test_preprocessing_is_exactly_the_cores(self):
        for opset in (17, 18):
            wrapped, _ = w.wrap(identity_encoder(opset=opset))
            path = self.save(wrapped, f"identity_u8_{opset}.onnx")
            for label, image in images().items():
                with self.subTest(opset=opset, image=label):
                    out, info = run_onnx(path, {"image_u8": image})
                    got = out["image_embeddings"]
                    want = w.core_style_input(image)
                    self.assertEqual(got.dtype, np.float32)
                    self.assertEqual(got.shape, (1, 3, S, S))
                    np.testing.assert_array_equal(got, want)  # bit-exact, all three channels
            self.assertEqual(info["inputs"][0]["name"], "image_u8")
            if info["inputs"][0]["type"] is not None:  # onnxruntime-node >= 1.22 reports metadata
                self.assertEqual(info["inputs"][0]["type"], "uint8")
                self.assertEqual(info["inputs"][0]["shape"], [S, S])

    def test_padding_profile_scales_before_padding(self):
        wrapped, _ = w.wrap(identity_encoder(), profile=w.LONGEST)
        path = self.save(wrapped, "identity_u8_longest.onnx")
        rng = np.random.default_rng(11)
        cases = {
            "landscape 24x32": w.test_image(24, columns=S),
            "portrait 32x9": rng.integers(40, 200, (S, 9)).astype(np.uint8),
            "square S x S": w.test_image(S),
            "one row 1x32": rng.integers(5, 250, (1, S)).astype(np.uint8),
            "constant 20x32": np.full((20, S), 77, np.uint8),
        }
        for label, image in cases.items():
            with self.subTest(image=label):
                got = run_onnx(path, {"image_u8": image})[0]["image_embeddings"]
                want = w.core_style_input(image, S)
                np.testing.assert_array_equal(got, want)  # bit-exact, padding zero after scaling
                rows, cols = image.shape
                if image.min() > 0 and image.max() > image.min():
                    # The darkest real pixel is 0 and the padding is 0: min-max never saw the padding.
                    self.assertEqual(got[0, 0, :rows, :cols].min(), 0.0)
                    self.assertEqual(got[0, 0, :rows, :cols].max(), 1.0)
        # What the square wrapper would do with LiteMedSAM's padded grid is not LiteMedSAM's tensor.
        image = w.test_image(24, columns=S)
        grid = np.zeros((S, S), np.uint8)
        grid[:24] = image
        self.assertGreater(np.abs(w.core_style_input(grid) - w.core_style_input(image, S)).max(), 0.05)

    def test_padding_profile_refuses_a_side_longer_than_s(self):
        wrapped, _ = w.wrap(identity_encoder(), profile=w.LONGEST)
        path = self.save(wrapped, "identity_u8_longest.onnx")
        with self.assertRaises(RuntimeError):
            run_onnx(path, {"image_u8": np.zeros((S + 1, S - 1), np.uint8)})

    def test_padding_profile_equals_original_on_the_cores_tensor(self):
        original = self.save(conv_encoder(), "conv.onnx")
        wrapped, _ = w.wrap(conv_encoder(), profile=w.LONGEST)
        path = self.save(wrapped, "conv_u8_longest.onnx")
        for image in (w.test_image(S, columns=20), w.test_image(12, columns=S)):
            result = w.check(original, path, "image", image, S)
            self.assertLessEqual(result["max_abs_diff"]["emb"], 1e-5)

    def test_wrapped_equals_original_on_the_cores_tensor(self):
        original = self.save(conv_encoder(), "conv.onnx")
        wrapped, _ = w.wrap(conv_encoder())
        path = self.save(wrapped, "conv_u8.onnx")
        for label, image in images().items():
            with self.subTest(image=label):
                result = w.check(original, path, "image", image)
                self.assertLessEqual(result["max_abs_diff"]["emb"], 1e-5)

    def test_cli_with_onnx_only(self):
        src = self.save(conv_encoder(), "enc.onnx")
        self.assertEqual(w.main([src, "--check"]), 0)
        out = os.path.join(self.tmp.name, "encoder_u8.onnx")
        wrapped = onnx.load(out)
        self.assertEqual([i.name for i in wrapped.graph.input], ["image_u8"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "manifest_u8.json")))
        with self.assertRaises(SystemExit):
            w.main([src, "--out", src])

    def test_cli_with_manifest(self):
        for profile in (w.STRETCH, w.LONGEST):
            with self.subTest(profile=profile):
                self._cli_with_manifest(profile)

    def _cli_with_manifest(self, profile):
        src = os.path.join(self.tmp.name, profile, "src")
        dst = os.path.join(self.tmp.name, profile, "dst")
        os.makedirs(src)
        os.makedirs(dst)
        onnx.save(conv_encoder(), os.path.join(src, "encoder.onnx"))
        with open(os.path.join(src, "decoder.onnx"), "wb") as f:
            f.write(b"not really a decoder")
        manifest = {
            "schema": "medsam-ohif/model-manifest@1", "name": "tiny", "version": "1", "description": "Tiny.",
            "testModel": True, "profile": profile, "inputSize": S, "embeddingDims": [1, 8, 8, 8],
            "lowResSize": 32,
            "encoder": {"file": "encoder.onnx", "sha256": sha256_file(os.path.join(src, "encoder.onnx")),
                        "inputFormat": "float32-nchw", "inputs": {"image": "image"}, "outputs": {"embedding": "emb"}},
            "decoder": {"file": "decoder.onnx", "sha256": sha256_file(os.path.join(src, "decoder.onnx")),
                        "contract": "sam", "inputs": {"embedding": "e", "pointCoords": "p", "pointLabels": "l"},
                        "outputs": {"lowResLogits": "m"}, "maskIndex": 0},
        }
        with open(os.path.join(src, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        out = os.path.join(dst, "encoder_u8.onnx")
        status = w.main([os.path.join(src, "manifest.json"), "--out", out, "--check"])
        self.assertEqual(status, 0)
        with open(os.path.join(dst, "manifest_u8.json")) as f:
            variant = json.load(f)
        self.assertEqual(variant["encoder"]["inputFormat"], "uint8-hw")
        self.assertEqual(variant["encoder"]["inputs"], {"image": "image_u8"})
        self.assertEqual(variant["encoder"]["outputs"], {"embedding": "emb"})
        self.assertEqual(variant["encoder"]["file"], "encoder_u8.onnx")
        self.assertEqual(variant["encoder"]["sha256"], sha256_file(out))
        self.assertEqual(variant["encoder"]["bytes"], os.path.getsize(out))
        self.assertNotEqual(variant["encoder"]["sha256"], manifest["encoder"]["sha256"])
        # The decoder was copied next to the variant, unchanged; everything else is the source's.
        self.assertEqual(variant["decoder"]["sha256"], sha256_file(os.path.join(dst, "decoder.onnx")))
        self.assertEqual({k: v for k, v in variant["decoder"].items() if k != "bytes"}, manifest["decoder"])
        for key in ("schema", "name", "version", "testModel", "profile", "inputSize", "embeddingDims", "lowResSize"):
            self.assertEqual(variant[key], manifest[key])

        wrapped = onnx.load(out)
        dims = wrapped.graph.input[0].type.tensor_type.shape.dim
        self.assertEqual([d.dim_param or d.dim_value for d in dims], ["rows", "columns"] if profile == w.LONGEST else [S, S])
        self.assertIn("before padding" if profile == w.LONGEST else "uint8 [S, S]", variant["description"])
        with self.assertRaises(SystemExit):
            other = w.STRETCH if profile == w.LONGEST else w.LONGEST
            w.main([os.path.join(src, "manifest.json"), "--out", out, "--profile", other])

if __name__ == "__main__":
    unittest.main()
