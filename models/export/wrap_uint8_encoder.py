#!/usr/bin/env python3
"""Wrap a float32-nchw encoder so it takes the core's compact uint8 image instead.

    python3 models/export/wrap_uint8_encoder.py MODEL_DIR/manifest.json [--out FILE.onnx] [--check]
    python3 models/export/wrap_uint8_encoder.py encoder.onnx [--profile P] [--out FILE.onnx] [--check]

The wrapped model's input is `image_u8`, uint8: the grey image after the core's resize and truncation
(1 MiB for S = 1024 instead of 12 MiB of float32). Its first nodes do what the core does next:

    x = float(image_u8);  x = (x - min(x)) / max(max(x) - min(x), 1e-8);  replicate to [1, 3, S, S]

and feed the original graph, whose output names are unchanged. Per profile:

- medsam-stretch-1024: the input is [S, S] (MedSAM stretches the image to the whole grid);
- litemedsam-longest-256: the input is the resized image before padding, [h, w] with longest side S.
  LiteMedSAM scales that image alone and pads with zeros afterwards, so min-max must not see the padding
  (a padded grid cannot tell padding from black pixels); the graph pads bottom/right to [S, S] after scaling. Only the `onnx` package is needed (Debian:
python3-onnx); `--check` also needs node and this repository's onnxruntime-node.

Given a manifest (float32-nchw), it also writes a manifest variant next to the wrapped model
(default: manifest_u8.json) with encoder inputFormat "uint8-hw", inputs.image "image_u8" and the new
file's SHA-256 and size; when the wrapped model goes to another directory, the decoder is copied there, so
that directory is a complete model.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_tools import file_entry, node_available, run_onnx, write_json  # noqa: E402

INPUT_NAME = "image_u8"
PREFIX = "u8_to_nchw/"
EPS = 1e-8
STRETCH = "medsam-stretch-1024"
LONGEST = "litemedsam-longest-256"
PROFILES = (STRETCH, LONGEST)
#: Keep a model in one file below this size (protobuf's hard limit is 2 GiB).
SINGLE_FILE_LIMIT = 1_800_000_000


def _dims(value_info) -> list:
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in value_info.type.tensor_type.shape.dim]


def image_input(model: onnx.ModelProto, name: str | None = None):
    """The encoder's image input: `name`, or the only graph input that is not an initializer."""
    initializers = {i.name for i in model.graph.initializer}
    candidates = [i for i in model.graph.input if i.name not in initializers]
    if name is not None:
        candidates = [i for i in candidates if i.name == name]
        if not candidates:
            raise ValueError(f"the model has no input named {name!r}")
    if len(candidates) != 1:
        raise ValueError(f"expected one image input, found {[i.name for i in candidates]}: pass --input-name")
    return candidates[0]


def _min_max_nodes(p: str) -> list:
    """image_u8 -> p+"unit": (x - min) / max(max - min, eps) in float32, over the whole input."""
    return [
        helper.make_node("Cast", [INPUT_NAME], [p + "x"], name=p + "cast", to=TensorProto.FLOAT),
        helper.make_node("ReduceMin", [p + "x"], [p + "min"], name=p + "min", keepdims=0),
        helper.make_node("ReduceMax", [p + "x"], [p + "max"], name=p + "max", keepdims=0),
        helper.make_node("Sub", [p + "max", p + "min"], [p + "range"], name=p + "range"),
        helper.make_node("Max", [p + "range", p + "eps"], [p + "denominator"], name=p + "clip_range"),
        helper.make_node("Sub", [p + "x", p + "min"], [p + "shifted"], name=p + "shift"),
        helper.make_node("Div", [p + "shifted", p + "denominator"], [p + "unit"], name=p + "scale"),
    ]


def _to_nchw_nodes(p: str, source: str, original_name: str) -> list:
    return [
        helper.make_node("Reshape", [source, p + "shape_1_1_S_S"], [p + "unit_nchw"], name=p + "to_nchw"),
        # The last node writes the original input's name, so the original graph is untouched.
        helper.make_node("Expand", [p + "unit_nchw", p + "shape_1_3_S_S"], [original_name], name=p + "to_3_channels"),
    ]


def _common_constants(p: str, size: int) -> list:
    return [
        numpy_helper.from_array(np.array(EPS, dtype=np.float32), p + "eps"),
        numpy_helper.from_array(np.array([1, 1, size, size], dtype=np.int64), p + "shape_1_1_S_S"),
        numpy_helper.from_array(np.array([1, 3, size, size], dtype=np.int64), p + "shape_1_3_S_S"),
    ]


def _square_nodes(size: int, original_name: str) -> tuple[list, list]:
    """MedSAM's stretch: the input already fills [S, S]."""
    p = PREFIX
    return _min_max_nodes(p) + _to_nchw_nodes(p, p + "unit", original_name), _common_constants(p, size)


def _padding_nodes(size: int, original_name: str) -> tuple[list, list]:
    """LiteMedSAM: min-max over the [h, w] input, then zeros bottom/right up to [S, S]. A side longer than S
    gets no negative (cropping) pad: the Reshape then fails instead of silently cutting the image."""
    p = PREFIX
    constants = _common_constants(p, size) + [
        numpy_helper.from_array(np.array([size, size], dtype=np.int64), p + "S_S"),
        numpy_helper.from_array(np.array([0, 0], dtype=np.int64), p + "zeros_2"),
    ]
    nodes = _min_max_nodes(p) + [
        helper.make_node("Shape", [INPUT_NAME], [p + "hw"], name=p + "hw"),
        helper.make_node("Sub", [p + "S_S", p + "hw"], [p + "missing"], name=p + "missing"),
        helper.make_node("Max", [p + "missing", p + "zeros_2"], [p + "pad_after"], name=p + "never_crop"),
        helper.make_node("Concat", [p + "zeros_2", p + "pad_after"], [p + "pads"], name=p + "pads", axis=0),
        helper.make_node("Pad", [p + "unit", p + "pads"], [p + "padded"], name=p + "pad", mode="constant"),
    ] + _to_nchw_nodes(p, p + "padded", original_name)
    return nodes, constants


def wrap(model: onnx.ModelProto, input_name: str | None = None, size: int | None = None,
         profile: str = STRETCH) -> tuple[onnx.ModelProto, int]:
    """A copy of `model` whose image input is uint8 (see the module docstring), and S."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
    if opset < 13:
        raise ValueError(f"default-domain opset {opset} is too old; the wrapper's nodes need >= 13")
    original = image_input(model, input_name)
    if original.type.tensor_type.elem_type != TensorProto.FLOAT:
        raise ValueError(f"input {original.name!r} is {TensorProto.DataType.Name(original.type.tensor_type.elem_type)}, "
                         "expected float32: is this model already wrapped?")
    dims = _dims(original)
    if len(dims) != 4 or dims[0] not in (1, None) or dims[1] not in (3, None):
        raise ValueError(f"input {original.name!r} has shape {dims}, expected [1, 3, S, S]")
    static = {d for d in dims[2:] if isinstance(d, int) and d > 0}
    if size is None:
        if len(static) != 1 or None in dims[2:] or any(isinstance(d, str) for d in dims[2:]):
            raise ValueError(f"input {original.name!r} has shape {dims}: pass --size S")
        size = static.pop()
    elif static and static != {size}:
        raise ValueError(f"--size {size} contradicts the input shape {dims}")

    used = {n.name for n in model.graph.node} | {i.name for i in model.graph.initializer} | {i.name for i in model.graph.input}
    for node in model.graph.node:
        used.update(node.input)
        used.update(node.output)
    if INPUT_NAME in used or any(u.startswith(PREFIX) for u in used):
        raise ValueError(f"the model already uses the name {INPUT_NAME!r} or the prefix {PREFIX!r}: is it already wrapped?")

    nodes, constants = (_padding_nodes if profile == LONGEST else _square_nodes)(size, original.name)

    wrapped = copy.deepcopy(model)
    graph = wrapped.graph
    position = [i.name for i in graph.input].index(original.name)
    del graph.input[position]
    input_dims = ["rows", "columns"] if profile == LONGEST else [size, size]
    graph.input.insert(position, helper.make_tensor_value_info(INPUT_NAME, TensorProto.UINT8, input_dims))
    graph.initializer.extend(constants)
    old_nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + old_nodes)
    graph.value_info.append(helper.make_tensor_value_info(original.name, TensorProto.FLOAT, [1, 3, size, size]))
    wrapped.metadata_props.add(
        key="medsam.uint8_wrapper",
        value=(f"input {INPUT_NAME} uint8 [rows,columns] (longest side {size}) -> min-max (eps {EPS}) -> zero pad "
               f"bottom/right to [{size},{size}] -> [1,3,{size},{size}] as {original.name!r}" if profile == LONGEST else
               f"input {INPUT_NAME} uint8 [{size},{size}] -> min-max (eps {EPS}) -> [1,3,{size},{size}] as {original.name!r}"),
    )
    return wrapped, size


def save(model: onnx.ModelProto, path: str) -> None:
    if model.ByteSize() < SINGLE_FILE_LIMIT:
        onnx.save(model, path)
    else:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + ".data")
    onnx.checker.check_model(path)


def manifest_variant(manifest: dict, manifest_dir: str, wrapped_path: str, out_manifest: str) -> dict:
    """The manifest for the wrapped model: the encoder entry replaced, the decoder beside the new manifest."""
    if manifest["encoder"]["inputFormat"] != "float32-nchw":
        raise ValueError(f"the manifest's encoder is {manifest['encoder']['inputFormat']}, expected float32-nchw")
    out_dir = os.path.dirname(os.path.abspath(out_manifest))
    variant = copy.deepcopy(manifest)
    what = (
        f"uint8 [h, w] after the core's resize, before padding; min-max, zero padding to [S, S] and the 3 channels "
        "inside the graph." if manifest["profile"] == LONGEST else
        "uint8 [S, S] after the core's resize; min-max and the 3 channels inside the graph."
    )
    variant["description"] = (
        manifest["description"].rstrip()
        + f" Encoder wrapped by models/export/wrap_uint8_encoder.py: input {INPUT_NAME}, {what}"
    )
    variant["encoder"] = {
        **file_entry(wrapped_path, out_dir),
        "inputFormat": "uint8-hw",
        "inputs": {"image": INPUT_NAME},
        "outputs": dict(manifest["encoder"]["outputs"]),
    }
    variant["decoder"] = _carried(manifest["decoder"], manifest_dir, out_dir)
    for part in ("image", "prompt") if "decoderSplit" in manifest else ():
        # The split decoder (issue 13) travels with the decoder.
        variant["decoderSplit"][part] = _carried(manifest["decoderSplit"][part], manifest_dir, out_dir)
    write_json(out_manifest, variant)
    return variant


def _carried(entry: dict, manifest_dir: str, out_dir: str) -> dict:
    """A decoder file's manifest entry for the variant in `out_dir`: the file, and its pre-optimised form
    (`optimized`, optimize_decoder.mjs) where it has one, copied there when they are elsewhere; hashes checked."""
    def carry(e):
        src = os.path.join(manifest_dir, e["file"])
        dst = os.path.join(out_dir, os.path.basename(e["file"]))
        if os.path.abspath(src) != os.path.abspath(dst):
            shutil.copyfile(src, dst)
        moved = {**e, **file_entry(dst, out_dir)}
        if moved["sha256"] != e["sha256"]:
            raise ValueError(f"{src} does not have the SHA-256 its manifest says")
        return moved

    out = carry(entry)
    if "optimized" in entry:
        out["optimized"] = carry(entry["optimized"])
    return out


def core_style_input(image_u8, size: int | None = None):
    """The float32-nchw tensor the core computes from a uint8 image: min-max in float64 (as MedSAM's numpy
    code), rounded to float32, zero-padded bottom/right to [S, S] (no-op for a square input of side S),
    replicated to [1, 3, S, S]."""
    rows, cols = image_u8.shape
    size = size or max(rows, cols)
    x = image_u8.astype(np.float64)
    x = (x - x.min()) / max(x.max() - x.min(), EPS)
    grid = np.zeros((size, size), np.float32)
    grid[:rows, :cols] = x.astype(np.float32)
    return np.ascontiguousarray(np.broadcast_to(grid, (1, 3, size, size)))


def check(original_path: str, wrapped_path: str, input_name: str, image_u8, size: int | None = None) -> dict:
    """Runs both models with onnxruntime-node: the wrapped one on `image_u8`, the original on the tensor
    the core would compute. Returns the max abs difference per output."""
    reason = node_available()
    if reason:
        raise RuntimeError(f"--check needs node with onnxruntime-node: {reason}")
    ref, ref_info = run_onnx(original_path, {input_name: core_style_input(image_u8, size)})
    got, got_info = run_onnx(wrapped_path, {INPUT_NAME: image_u8})
    if set(ref) != set(got):
        raise AssertionError(f"outputs differ: {sorted(ref)} vs {sorted(got)}")
    return {
        "max_abs_diff": {k: float(np.abs(ref[k] - got[k]).max()) for k in ref},
        "wrapped_inputs": got_info["inputs"],
        "run_s": {"original": round(ref_info["runMs"] / 1000, 2), "wrapped": round(got_info["runMs"] / 1000, 2)},
    }


def test_image(size: int, seed: int = 0, columns: int | None = None):
    """A uint8 image that does not span 0..255 (so min-max matters): a gradient, a disc and noise;
    size x size, or size x columns (LiteMedSAM's resized image before padding)."""
    columns = columns or size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:columns] / size
    img = 30 + 120 * x + 60 * ((x - 0.4) ** 2 + (y - 0.5) ** 2 < 0.05) + rng.normal(0, 5, (size, columns))
    return np.clip(img, 17, 231).astype(np.uint8)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a model manifest.json (float32-nchw encoder) or an encoder .onnx")
    parser.add_argument("--out", help="wrapped encoder path (default: encoder_u8.onnx beside the source encoder)")
    parser.add_argument("--manifest-out", help="manifest variant path (default: manifest_u8.json beside --out)")
    parser.add_argument("--input-name", help="the encoder's image input (default: from the manifest, or the only input)")
    parser.add_argument("--size", type=int, help="S, where the input's spatial dims are not static")
    parser.add_argument("--profile", choices=PROFILES,
                        help=f"preprocessing profile (default: the manifest's, else {STRETCH}); {LONGEST} takes the "
                             "resized image before padding and pads inside the graph")
    parser.add_argument("--check", action="store_true", help="compare wrapped and original with onnxruntime-node")
    args = parser.parse_args(argv)

    manifest = None
    if args.source.endswith(".json"):
        with open(args.source) as f:
            manifest = json.load(f)
        manifest_dir = os.path.dirname(os.path.abspath(args.source))
        encoder_path = os.path.join(manifest_dir, manifest["encoder"]["file"])
        input_name = args.input_name or manifest["encoder"]["inputs"]["image"]
        size = args.size or manifest.get("inputSize")
        if args.profile and args.profile != manifest["profile"]:
            sys.exit(f"--profile {args.profile} contradicts the manifest's profile {manifest['profile']}")
        profile = manifest["profile"]
    else:
        encoder_path, input_name, size = args.source, args.input_name, args.size
        profile = args.profile or STRETCH
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(encoder_path)), "encoder_u8.onnx")
    if os.path.abspath(out) == os.path.abspath(encoder_path):
        sys.exit("--out must differ from the source encoder")

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    model = onnx.load(encoder_path)
    input_name = image_input(model, input_name).name
    added = len(model.graph.node)
    wrapped, size = wrap(model, input_name, size, profile)
    added = len(wrapped.graph.node) - added
    del model
    save(wrapped, out)
    shape = f"[rows, columns] (longest side {size}, padded inside)" if profile == LONGEST else f"[{size}, {size}]"
    print(f"wrote {out}: input {INPUT_NAME} uint8 {shape} -> {input_name!r} [1, 3, {size}, {size}] -> "
          f"outputs {[o.name for o in wrapped.graph.output]}; {len(wrapped.graph.node)} nodes ({PREFIX}* added {added})")
    del wrapped
    if manifest is not None:
        manifest_out = args.manifest_out or os.path.join(os.path.dirname(os.path.abspath(out)), "manifest_u8.json")
        variant = manifest_variant(manifest, manifest_dir, out, manifest_out)
        print(f"wrote {manifest_out}: encoder {variant['encoder']['file']} sha256 {variant['encoder']['sha256']}, "
              f"{variant['encoder']['bytes']} bytes")
    if args.check:
        # LiteMedSAM's input is the unpadded resized image: check a landscape one (padding rows below).
        image = test_image(size * 3 // 4, columns=size) if profile == LONGEST else test_image(size)
        result = check(encoder_path, out, input_name, image, size)
        print(json.dumps(result, indent=2))
        worst = max(result["max_abs_diff"].values())
        if worst > 1e-5:
            print(f"CHECK FAILED: wrapped and original differ by {worst} (> 1e-5)", file=sys.stderr)
            return 1
        print(f"CHECK PASSED: wrapped and original agree (max abs diff {worst})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
