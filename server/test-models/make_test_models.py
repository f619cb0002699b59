#!/usr/bin/python3
"""Tiny ONNX models with MedSAM's encoder contract, for the embedding service's tests. NOT MedSAM.

    /usr/bin/python3 server/test-models/make_test_models.py   # rewrites the .onnx files and manifests here

- encoder_f32.onnx: "image" float32 [1,3,1024,1024] in [0,1] -> "image_embeddings" float32 [1,256,64,64]
- encoder_u8.onnx:  "image_u8" uint8 [1024,1024] -> the same embedding; min-max to [0,1] and the three
  channels happen inside the graph (the "uint8-hw" form the service and Triton receive)
- encoder_u8_slow.onnx: as encoder_u8 plus a few wide convolutions, so one run takes a noticeable time
  (queue and 503 tests need runs that overlap)
- decoder.onnx: a "box" decoder (embedding + box [1,4] -> low-res logits [1,1,256,256]) so the manifests
  are complete and a remote embedding can be decoded in tests

Weights are fixed pseudo-random numbers (seeded), so the files and their hashes are reproducible. Needs
only the `onnx` package (python3-onnx) and numpy; CI uses the committed files.
"""
from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
S = 1024  # encoder input side
G = 64  # embedding side
C = 256  # embedding channels
OPSET = 17


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def embedding_head(rng, grey, extra_nodes, extra_inits):
    """grey [1,1,S,S] float in [0,1] -> tanh(avg*w1 + max*w2 + b) [1,C,G,G]: every channel and cell differs."""
    k = S // G
    nodes = extra_nodes + [
        helper.make_node("AveragePool", [grey], ["avg"], kernel_shape=[k, k], strides=[k, k]),
        helper.make_node("MaxPool", [grey], ["mx"], kernel_shape=[k, k], strides=[k, k]),
        helper.make_node("Mul", ["avg", "w1"], ["a1"]),
        helper.make_node("Mul", ["mx", "w2"], ["a2"]),
        helper.make_node("Add", ["a1", "a2"], ["a3"]),
        helper.make_node("Add", ["a3", "bias"], ["a4"]),
        helper.make_node("Tanh", ["a4"], ["image_embeddings"]),
    ]
    inits = extra_inits + [
        const("w1", rng.uniform(-3, 3, (1, C, 1, 1)).astype(np.float32)),
        const("w2", rng.uniform(-2, 2, (1, C, 1, 1)).astype(np.float32)),
        const("bias", rng.uniform(-1, 1, (1, C, 1, 1)).astype(np.float32)),
    ]
    return nodes, inits


def minmax_nodes(src, dst):
    """uint8 [S,S] -> float [1,1,S,S] in [0,1]: (x - min) / max(max - min, 1e-8), as MedSAM's reference."""
    return [
        helper.make_node("Cast", [src], ["xf"], to=TensorProto.FLOAT),
        helper.make_node("ReduceMin", ["xf"], ["lo"], keepdims=1),
        helper.make_node("ReduceMax", ["xf"], ["hi"], keepdims=1),
        helper.make_node("Sub", ["xf", "lo"], ["num"]),
        helper.make_node("Sub", ["hi", "lo"], ["span"]),
        helper.make_node("Max", ["span", "eps"], ["den"]),
        helper.make_node("Div", ["num", "den"], ["unit"]),
        helper.make_node("Reshape", ["unit", "nchw1"], [dst]),
    ], [const("eps", np.array([[1e-8]], np.float32)), const("nchw1", np.array([1, 1, S, S], np.int64))]


def slow_nodes(rng, src, dst, layers=4, width=16):
    """Wide full-resolution convolutions whose output is scaled by 0: cost without changing the result."""
    nodes, inits, h = [], [], src
    for i in range(layers):
        cin = 1 if i == 0 else width
        inits.append(const(f"sw{i}", rng.normal(0, 0.1, (width, cin, 7, 7)).astype(np.float32)))
        nodes.append(helper.make_node("Conv", [h, f"sw{i}"], [f"s{i}"], pads=[3, 3, 3, 3]))
        h = f"s{i}"
    inits += [const("zero", np.zeros((1, width, 1, 1), np.float32))]
    nodes += [
        helper.make_node("Mul", [h, "zero"], ["s_zero"]),
        helper.make_node("ReduceSum", ["s_zero"], ["s_sum"], keepdims=1),
        helper.make_node("Add", [src, "s_sum"], [dst]),
    ]
    return nodes, inits


def encoder(kind):
    rng = np.random.default_rng(20240601)  # same head weights in every variant: same embeddings
    out = helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, C, G, G])
    if kind == "f32":
        inp = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, S, S])
        pre = [helper.make_node("ReduceMean", ["image"], ["grey"], axes=[1], keepdims=1)]
        nodes, inits = embedding_head(rng, "grey", pre, [])
    else:
        inp = helper.make_tensor_value_info("image_u8", TensorProto.UINT8, [S, S])
        pre, pre_inits = minmax_nodes("image_u8", "grey0")
        head_rng = rng
        if kind == "u8-slow":
            slow, slow_inits = slow_nodes(np.random.default_rng(7), "grey0", "grey")
            pre, pre_inits = pre + slow, pre_inits + slow_inits
        else:
            pre.append(helper.make_node("Identity", ["grey0"], ["grey"]))
        nodes, inits = embedding_head(head_rng, "grey", pre, pre_inits)
    graph = helper.make_graph(nodes, f"server_test_encoder_{kind}", [inp], [out], inits)
    return finish(graph)


def decoder():
    """embedding [1,C,G,G] + box [1,4] (model space) -> logits [1,1,256,256]: channel mean, upsampled,
    plus a bump inside the box. Only needs to be deterministic, not clever."""
    emb = helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, C, G, G])
    box = helper.make_tensor_value_info("box", TensorProto.FLOAT, [1, 4])
    out = helper.make_tensor_value_info("low_res_logits", TensorProto.FLOAT, [1, 1, 256, 256])
    nodes = [
        helper.make_node("ReduceMean", ["image_embeddings"], ["m"], axes=[1], keepdims=1),
        helper.make_node("Resize", ["m", "", "scales"], ["up"], mode="linear"),
        helper.make_node("ReduceSum", ["box"], ["bs"], keepdims=1),
        helper.make_node("Mul", ["bs", "tiny"], ["bt"]),
        helper.make_node("Reshape", ["bt", "one4"], ["b4"]),
        helper.make_node("Add", ["up", "b4"], ["low_res_logits"]),
    ]
    inits = [
        const("scales", np.array([1, 1, 4, 4], np.float32)),
        const("tiny", np.array([[1e-4]], np.float32)),
        const("one4", np.array([1, 1, 1, 1], np.int64)),
    ]
    return finish(helper.make_graph(nodes, "server_test_decoder", [emb, box], [out], inits))


def finish(graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="medsam-ohif")
    model.ir_version = 8  # onnxruntime 1.30 reads IR 8; keeps the files loadable by older runtimes too
    onnx.checker.check_model(model)
    return model


def file_entry(name):
    path = os.path.join(HERE, name)
    with open(path, "rb") as f:
        data = f.read()
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def manifest(name, encoder_file, input_format, input_name):
    return {
        "schema": "medsam-ohif/model-manifest@1",
        "name": name,
        "version": "1.0.0",
        "description": "Tiny generated model for the embedding service's tests (server/test-models), NOT MedSAM: "
                       "MedSAM's encoder contract with a few hundred weights.",
        "testModel": True,
        "profile": "medsam-stretch-1024",
        "inputSize": S,
        "embeddingDims": [1, C, G, G],
        "lowResSize": 256,
        "encoder": {**file_entry(encoder_file), "inputFormat": input_format, "inputs": {"image": input_name},
                    "outputs": {"embedding": "image_embeddings"}},
        "decoder": {**file_entry("decoder.onnx"), "contract": "box",
                    "inputs": {"embedding": "image_embeddings", "box": "box"},
                    "outputs": {"lowResLogits": "low_res_logits"}, "maskIndex": 0},
    }


def main():
    for kind, file in (("f32", "encoder_f32.onnx"), ("u8", "encoder_u8.onnx"), ("u8-slow", "encoder_u8_slow.onnx")):
        onnx.save(encoder(kind), os.path.join(HERE, file))
    onnx.save(decoder(), os.path.join(HERE, "decoder.onnx"))
    for name, enc, fmt, inp, out in (
        ("server-test-f32", "encoder_f32.onnx", "float32-nchw", "image", "manifest-f32.json"),
        ("server-test-u8", "encoder_u8.onnx", "uint8-hw", "image_u8", "manifest-u8.json"),
        ("server-test-slow", "encoder_u8_slow.onnx", "uint8-hw", "image_u8", "manifest-slow.json"),
    ):
        with open(os.path.join(HERE, out), "w") as f:
            json.dump(manifest(name, enc, fmt, inp), f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
