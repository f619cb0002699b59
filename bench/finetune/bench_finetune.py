#!/usr/bin/python3
"""The seed's claim, measured: decoder fine-tuning with precomputed embeddings vs computing the embedding in
every step (encoder frozen, run under no_grad), same models, same batch, same optimiser step. Also the time
`medsam dataset` takes per slice, in process and through the embedding service.

    /usr/bin/python3 bench/finetune/bench_finetune.py [--pairs tiny vitb] [--steps 5] [--no-export]

Pairs: `tiny` = the project's test model (encoder + decoder, real weights read from models/test-tiny);
`vitb` = a ViT-B-shaped encoder (≈ 90 M parameters) + a SAM-sized decoder (≈ 4 M), random weights, the shapes
of MedSAM (bench/python; NOT MedSAM). Writes bench/results/finetune-<date>.json and prints a table.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "finetune"))
sys.path.insert(0, os.path.join(ROOT, "bench", "python"))
from checkpoint import load_test_model_encoder  # noqa: E402
from decoders import TestModelDecoder  # noqa: E402
from train import loss_fn  # noqa: E402


class SamSizedTrainable(torch.nn.Module):
    """bench/python's SAM-sized decoder (batch 1 by its ONNX signature), one sample at a time, mask token 0."""

    def __init__(self):
        super().__init__()
        from sam_decoder import SamSizedDecoder
        self.decoder = SamSizedDecoder()

    def forward(self, embeddings, boxes):
        out = []
        for e, b in zip(embeddings, boxes):
            coords = b.view(1, 2, 2)
            labels = torch.tensor([[2.0, 3.0]])
            _, _, low = self.decoder(e[None], coords, labels, torch.zeros(1, 1, 256, 256), torch.zeros(1), torch.tensor([1024.0, 1024.0]))
            out.append(low[:, :1])
        return torch.cat(out)


def pair(name):
    if name == "tiny":
        return (load_test_model_encoder(os.path.join(ROOT, "models/test-tiny/encoder.onnx")).eval(),
                TestModelDecoder(os.path.join(ROOT, "models/test-tiny/decoder.onnx")))
    from vitb_encoder import VitBEncoder
    torch.manual_seed(0)
    return VitBEncoder().eval(), SamSizedTrainable()


def steps_per_second(encoder, decoder, batch, steps, precomputed):
    torch.manual_seed(0)
    images = torch.rand(batch, 3, 1024, 1024)
    with torch.no_grad():
        cached = encoder(images)
    target = torch.zeros(batch, 1, 256, 256)
    target[:, :, 64:192, 80:200] = 1
    boxes = torch.tensor([[320.0, 256.0, 800.0, 768.0]] * batch)
    opt = torch.optim.Adam([p for p in decoder.parameters() if p.requires_grad], lr=1e-5)
    criterion = loss_fn("dicece")

    def step():
        if precomputed:
            emb = cached
        else:
            with torch.no_grad():
                emb = encoder(images)
        loss = criterion(decoder(emb, boxes), target)
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()  # warm-up
    t = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - t)


def export_per_slice(tmp):
    """medsam dataset on 3 phantom patients × 2 slices (4 segments each): ms per slice, in process and via the service."""
    folder = os.path.join(tmp, "pacs")
    # The SEGs come from the extension's own builder (TypeScript): bundle the small maker first.
    # Bundled beside this file so that the support module's ROOT (two folders up) is the repository.
    script = os.path.join(ROOT, "bench", "finetune", ".make_pacs.cjs")
    r = subprocess.run(["npx", "esbuild", "bench/finetune/makePacs.ts", "--bundle", "--platform=node", "--log-level=error",
                        "--external:dcmjs", f"--outfile={script}"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode == 0:
        r = subprocess.run(["node", script, folder], cwd=ROOT, capture_output=True, text=True)
    if os.path.exists(script):
        os.unlink(script)
    if r.returncode != 0:
        return {"error": r.stderr[-500:]}
    cli = os.path.join(ROOT, "core", "dist", "medsam.cjs")
    out = {}
    r = subprocess.run(["node", cli, "dataset", "--model", "models/test-tiny/manifest.json", "--folder", folder, "--out", os.path.join(tmp, "in-process"), "--json", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    out["inProcess"] = json.loads(r.stdout)["timingsMs"] if r.returncode == 0 else {"error": r.stderr[-300:]}
    server = subprocess.Popen(["node", "server/dist/main.cjs", "--model", "models/test-tiny/manifest_u8.json", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = server.stdout.readline().strip().split(" ")[-1]
        r = subprocess.run(["node", cli, "dataset", "--model", "models/test-tiny/manifest_u8.json", "--folder", folder, "--out", os.path.join(tmp, "service"), "--embeddings", "service", "--service-url", url, "--json", "--quiet"], cwd=ROOT, capture_output=True, text=True)
        out["service"] = json.loads(r.stdout)["timingsMs"] if r.returncode == 0 else {"error": r.stderr[-300:]}
    finally:
        server.terminate()
        server.wait()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", nargs="+", default=["tiny", "vitb"], choices=["tiny", "vitb"])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=None, help="default 8 (tiny), 2 (vitb)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": platform.processor() or platform.machine(),
              "cores": os.cpu_count(), "threads": args.threads, "loadAverage": os.getloadavg(), "torch": torch.__version__, "training": {}}
    for name in args.pairs:
        encoder, decoder = pair(name)
        batch = args.batch or (8 if name == "tiny" else 2)
        steps = args.steps if name == "tiny" else max(1, min(args.steps, 2))
        pre = steps_per_second(encoder, decoder, batch, steps, True)
        each = steps_per_second(encoder, decoder, batch, steps, False)
        result["training"][name] = {"batch": batch, "steps": steps, "precomputedStepsPerSecond": pre, "encoderEachStepStepsPerSecond": each, "ratio": pre / each}
        print(f"{name}: batch {batch}: {pre:.3f} steps/s with precomputed embeddings, {each:.3f} steps/s computing them each step: × {pre / each:.1f}", flush=True)
    if not args.no_export:
        tmp = tempfile.mkdtemp(prefix="bench-finetune-")
        try:
            result["datasetExport"] = export_per_slice(tmp)
            print(f"medsam dataset, ms per slice: {json.dumps(result['datasetExport'])}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    path = os.path.join(ROOT, "bench", "results", f"finetune-{datetime.date.today().isoformat()}.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
