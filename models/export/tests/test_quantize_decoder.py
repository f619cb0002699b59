"""quantize_decoder.py: the int8 rewrite runs in onnxruntime-node and stays close to the float graph.

    python3 -m unittest discover -s models/export/tests -v
"""
from __future__ import annotations

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
    from onnx_tools import node_available, run_onnx
    from quantize_decoder import quantize_model, quantize_weight


def small_model(rng):
    """One weight product of each kind: MatMul (x [1, 8, 32] by [32, 64]), Gemm (transB, bias) and Conv (bias)."""
    w = rng.standard_normal((32, 64)).astype(np.float32)
    g = rng.standard_normal((16, 64)).astype(np.float32)  # Gemm transB: [N, K]
    gb = rng.standard_normal(16).astype(np.float32)
    c = rng.standard_normal((8, 4, 3, 3)).astype(np.float32)
    cb = rng.standard_normal(8).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["h"]),
        helper.make_node("Gemm", ["h2d", "g", "gb"], ["y"], transB=1),
        helper.make_node("Conv", ["img", "c", "cb"], ["z"], pads=[1, 1, 1, 1]),
    ]
    graph = helper.make_graph(
        [helper.make_node("Constant", [], ["shape"], value=numpy_helper.from_array(np.array([8, 64], dtype=np.int64)))]
        + nodes[:1] + [helper.make_node("Reshape", ["h", "shape"], ["h2d"])] + nodes[1:],
        "q",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 32]), helper.make_tensor_value_info("img", TensorProto.FLOAT, [1, 4, 10, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 16]), helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 8, 10, 10])],
        [numpy_helper.from_array(a, n) for a, n in [(w, "w"), (g, "g"), (gb, "gb"), (c, "c"), (cb, "cb")]],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@unittest.skipIf(onnx is None, "python3-onnx is not installed")
class QuantizeDecoderTest(unittest.TestCase):
    def test_weights_per_channel_symmetric(self):
        w = np.array([[1.0, -0.5], [-2.0, 0.25]], dtype=np.float32)
        q, scale = quantize_weight(w)
        np.testing.assert_allclose(scale, [2.0 / 127, 0.5 / 127], rtol=1e-6)
        self.assertEqual(q.dtype, np.int8)
        self.assertEqual(q[1, 0], -127)
        self.assertEqual(q[0, 1], -127)

    def test_rewrites_matmul_gemm_conv(self):
        model, count = quantize_model(small_model(np.random.default_rng(0)), min_weights=64)
        self.assertEqual(count, 3)
        ops = [n.op_type for n in model.graph.node]
        self.assertNotIn("MatMul", ops)
        self.assertNotIn("Gemm", ops)
        self.assertNotIn("Conv", ops)
        self.assertEqual(ops.count("DynamicQuantizeLinear"), 3)
        self.assertIn("MatMulInteger", ops)
        self.assertIn("ConvInteger", ops)
        self.assertEqual({t.name for t in model.graph.initializer} & {"w", "g", "c"}, set())  # float weights gone

    @unittest.skipIf(onnx is not None and node_available() is not None, "onnxruntime-node is not available")
    def test_runs_in_onnxruntime_close_to_float(self):
        rng = np.random.default_rng(1)
        float_model = small_model(rng)
        int8_model, _ = quantize_model(float_model, min_weights=64)
        feeds = {"x": rng.standard_normal((1, 8, 32)).astype(np.float32), "img": rng.standard_normal((1, 4, 10, 10)).astype(np.float32)}
        with tempfile.TemporaryDirectory() as tmp:
            paths = [os.path.join(tmp, "f.onnx"), os.path.join(tmp, "q.onnx")]
            onnx.save(float_model, paths[0])
            onnx.save(int8_model, paths[1])
            ref, _ = run_onnx(paths[0], feeds)
            got, _ = run_onnx(paths[1], feeds)
        for name in ("y", "z"):
            rel = np.abs(got[name] - ref[name]).max() / np.abs(ref[name]).max()
            self.assertLess(rel, 0.05, name)  # 8-bit: a few per cent of the range at most
            self.assertGreater(np.abs(got[name]).max(), 0)


if __name__ == "__main__":
    unittest.main()
