#!/usr/bin/python3
"""Dynamic int8 quantisation of a decoder ONNX graph, written with the `onnx` package alone (Debian has no
onnxruntime for Python, and onnxruntime's own quantiser lives there).

Every MatMul or Gemm whose second input is a float weight (an initializer, 2-D) becomes:

    DynamicQuantizeLinear(x) -> x_u8, x_scale, x_zero            # per tensor, at run time
    MatMulInteger(x_u8, w_i8, x_zero, 0) -> int32                # w_i8 quantised once, here
    Cast(float) * (x_scale * w_scale)  (+ bias for a Gemm)

and every ungrouped 2-D Conv with a weight initializer the same with ConvInteger (bias added after). The
weights are int8, symmetric (zero point 0), one scale per output channel. onnxruntime (WASM included) runs
these standard ops and fuses the MatMul form into its DynamicQuantizeMatMul kernel. Everything else
(attention between activations, transposed convolutions, norms) stays float32.

    /usr/bin/python3 models/export/quantize_decoder.py IN.onnx OUT.onnx [--min-weights 4096]
    /usr/bin/python3 models/export/quantize_decoder.py --manifest models/x/manifest.json [--min-weights 4096]

The second form quantises a model's decoder (and its split parts) to `<name>.int8.onnx` beside them and writes
`manifest_int8.json` (same encoder, `decoderQuantization` saying int8). That manifest loads only once
`node models/export/record_int8_iou.mjs <manifest_int8.json>` has measured the int8 masks against the float32
ones on the held-out phantoms and recorded the IoU (accepted from 0.98). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_tools import file_entry, write_json  # noqa: E402

#: Weights smaller than this stay float: quantising them saves nothing and costs two extra nodes.
DEFAULT_MIN_WEIGHTS = 4096


def quantize_weight(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[K, N] float -> int8 [K, N] and one float scale per column, symmetric (round to nearest, +-127)."""
    peak = np.abs(w).max(axis=0)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def _attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _conv_weight(node, inits, min_weights):
    """An ungrouped 2-D Conv's float weight [O, I, kh, kw], or None."""
    if node.op_type != "Conv" or len(node.input) < 2 or node.input[1] not in inits or _attr(node, "group", 1) != 1:
        return None
    w = numpy_helper.to_array(inits[node.input[1]])
    return w if w.dtype == np.float32 and w.ndim == 4 and w.size >= min_weights else None


def _quantize_conv(node, w, p, new_inits, zero_i8):
    """DynamicQuantizeLinear + ConvInteger + rescale (+ bias) for one Conv; the nodes."""
    o = w.shape[0]
    q, scale = quantize_weight(w.reshape(o, -1).T)  # per output channel
    new_inits += [numpy_helper.from_array(np.ascontiguousarray(q.T.reshape(w.shape)), f"{p}_w_int8"),
                  numpy_helper.from_array(scale.reshape(1, o, 1, 1), f"{p}_w_scale")]
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute if a.name != "group"}
    has_bias = len(node.input) > 2 and node.input[2]
    product = f"{p}_out" if has_bias else node.output[0]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", [node.input[0]], [f"{p}_x_u8", f"{p}_x_scale", f"{p}_x_zero"], name=f"{p}_quantize"),
        helper.make_node("ConvInteger", [f"{p}_x_u8", f"{p}_w_int8", f"{p}_x_zero", zero_i8], [f"{p}_int32"], name=f"{p}_conv", **attrs),
        helper.make_node("Cast", [f"{p}_int32"], [f"{p}_float"], to=TensorProto.FLOAT, name=f"{p}_cast"),
        helper.make_node("Mul", [f"{p}_x_scale", f"{p}_w_scale"], [f"{p}_scale"], name=f"{p}_scale_mul"),
        helper.make_node("Mul", [f"{p}_float", f"{p}_scale"], [product], name=f"{p}_rescale"),
    ]
    if has_bias:
        bias = f"{p}_bias4d"
        nodes.insert(0, helper.make_node("Constant", [], [f"{p}_bias_shape"], value=numpy_helper.from_array(np.array([1, o, 1, 1], dtype=np.int64))))
        nodes += [helper.make_node("Reshape", [node.input[2], f"{p}_bias_shape"], [bias], name=f"{p}_bias_shape_node"),
                  helper.make_node("Add", [product, bias], [node.output[0]], name=f"{p}_bias")]
    return nodes


def _quantizable(node, inits, min_weights):
    """The node's float weight as [K, N] (Gemm's transB undone), or None when it is not a weight product."""
    if node.op_type not in ("MatMul", "Gemm") or len(node.input) < 2 or node.input[1] not in inits:
        return None
    w = numpy_helper.to_array(inits[node.input[1]])
    if w.dtype != np.float32 or w.ndim != 2 or w.size < min_weights:
        return None
    if node.op_type == "Gemm":
        if _attr(node, "transA", 0) or _attr(node, "alpha", 1.0) != 1.0 or _attr(node, "beta", 1.0) != 1.0:
            return None
        if _attr(node, "transB", 0):
            w = w.T
    return np.ascontiguousarray(w)


def quantize_model(model: onnx.ModelProto, min_weights: int = DEFAULT_MIN_WEIGHTS) -> tuple[onnx.ModelProto, int]:
    """The model with its weight products and convolutions quantised (a new ModelProto) and how many were."""
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    new_nodes, new_inits, done = [], [], 0
    zero_i8 = "dq_zero_int8"
    for node in graph.node:
        w = _quantizable(node, inits, min_weights)
        conv = None if w is not None else _conv_weight(node, inits, min_weights)
        if w is None and conv is None:
            new_nodes.append(node)
            continue
        done += 1
        p = f"dq{done}_{node.name or node.output[0]}".replace("/", "_").replace(":", "_")
        if conv is not None:
            new_nodes += _quantize_conv(node, conv, p, new_inits, zero_i8)
            continue
        q, scale = quantize_weight(w)
        new_inits += [numpy_helper.from_array(q, f"{p}_w_int8"), numpy_helper.from_array(scale, f"{p}_w_scale")]
        x = node.input[0]
        product = f"{p}_out" if node.op_type == "Gemm" and len(node.input) > 2 and node.input[2] else node.output[0]
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [f"{p}_x_u8", f"{p}_x_scale", f"{p}_x_zero"], name=f"{p}_quantize"),
            helper.make_node("MatMulInteger", [f"{p}_x_u8", f"{p}_w_int8", f"{p}_x_zero", zero_i8], [f"{p}_int32"], name=f"{p}_matmul"),
            helper.make_node("Cast", [f"{p}_int32"], [f"{p}_float"], to=TensorProto.FLOAT, name=f"{p}_cast"),
            helper.make_node("Mul", [f"{p}_x_scale", f"{p}_w_scale"], [f"{p}_scale"], name=f"{p}_scale_mul"),
            helper.make_node("Mul", [f"{p}_float", f"{p}_scale"], [product], name=f"{p}_rescale"),
        ]
        if product != node.output[0]:  # a Gemm's bias
            new_nodes.append(helper.make_node("Add", [product, node.input[2]], [node.output[0]], name=f"{p}_bias"))
    if done:
        new_inits.append(numpy_helper.from_array(np.array(0, dtype=np.int8), zero_i8))
    used = {i for n in new_nodes for i in n.input} | {o.name for o in graph.output}
    kept = [t for t in graph.initializer if t.name in used]
    out = onnx.ModelProto()
    out.CopyFrom(model)
    del out.graph.node[:]
    out.graph.node.extend(new_nodes)
    del out.graph.initializer[:]
    out.graph.initializer.extend(kept + new_inits)
    # MatMulInteger and DynamicQuantizeLinear need opset >= 11; the exports use 17.
    onnx.checker.check_model(out)
    return out, done


def quantize_file(src: str, dst: str, min_weights: int) -> dict:
    model, count = quantize_model(onnx.load(src), min_weights)
    onnx.save(model, dst)
    return {"quantized": count, "bytesIn": os.path.getsize(src), "bytesOut": os.path.getsize(dst)}


def int8_name(file: str) -> str:
    stem, ext = os.path.splitext(file)
    return f"{stem}.int8{ext}"


def quantize_manifest(path: str, min_weights: int) -> dict:
    """The int8 files of a manifest's decoder (+ split parts) and manifest_int8.json beside it."""
    directory = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        manifest = json.load(f)
    files = {}

    def quantized(entry):
        out = int8_name(entry["file"])
        files[out] = quantize_file(os.path.join(directory, entry["file"]), os.path.join(directory, out), min_weights)
        return {**entry, **file_entry(os.path.join(directory, out), directory)}

    result = {**manifest, "name": f"{manifest['name']}-int8",
              "description": f"int8 (dynamically quantised) decoder of {manifest['name']}. {manifest['description']}",
              "decoder": quantized(manifest["decoder"])}
    if "decoderSplit" in manifest:
        split = manifest["decoderSplit"]
        result["decoderSplit"] = {"image": quantized(split["image"]), "prompt": quantized(split["prompt"])}
    result["decoderQuantization"] = {
        "scheme": "int8-dynamic",
        "weights": "int8, symmetric, one scale per output channel (MatMul, Gemm, Conv)",
        "activations": "uint8, one scale per tensor, computed at run time (DynamicQuantizeLinear)",
        "reference": os.path.basename(path),
    }
    out = os.path.join(directory, "manifest_int8.json")
    write_json(out, result)
    return {"manifest": out, "files": files}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--manifest", help="quantise this model's decoder and write manifest_int8.json beside it")
    ap.add_argument("--min-weights", type=int, default=DEFAULT_MIN_WEIGHTS)
    args = ap.parse_args()
    if args.manifest:
        print(json.dumps(quantize_manifest(args.manifest, args.min_weights)))
    elif args.input and args.output:
        print(json.dumps(quantize_file(args.input, args.output, args.min_weights)))
    else:
        ap.error("give IN.onnx OUT.onnx, or --manifest")


if __name__ == "__main__":
    main()
