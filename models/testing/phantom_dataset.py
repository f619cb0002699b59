"""Training and evaluation samples drawn from phantom slices: the model-ready 1024 image, the label slice,
and box prompts (the structure's bounding box, jittered the way users draw)."""
from __future__ import annotations

import os
import pickle
from multiprocessing import Pool

import numpy as np

import medsam_preprocess as mp
import phantom

# Structures a box may ask for (ribs and body are scenery, not targets).
TARGETS = ["lung_right", "lung_left", "liver", "spleen", "kidney_right", "kidney_left", "aorta", "spine", "liver_lesion"]
TRAIN_SEED_BASE = 100_000  # training seeds are 100000, 100001, ...; every seed below 100000 is held out
EVAL_SEEDS = list(range(1, 25))  # the reported held-out evaluation (demo seed 7 is among them)
SLICES = 40
MIN_TRAIN_AREA = 12  # px: smaller cross-sections are not used as training targets


def bbox(mask):
    """Inclusive pixel bounding box (x0, y0, x1, y1) of a mask, as MedSAM's data scripts compute it."""
    rows, cols = np.nonzero(mask)
    return np.array([cols.min(), rows.min(), cols.max(), rows.max()], np.float64)


def jitter_box(box, rng, frac=0.05, height=None, width=None):
    """Move each edge independently by up to frac of the box size (at least half a pixel either way)."""
    w, h = box[2] - box[0] + 1, box[3] - box[1] + 1
    lim = np.maximum(np.array([w, h, w, h]) * frac, 0.5)
    out = box + rng.uniform(-1, 1, 4) * lim
    if height is not None:
        out = np.clip(out, 0, [width - 1, height - 1, width - 1, height - 1])
    return out


def structures(labels, min_area):
    """{name: mask} for every target structure present with at least min_area pixels."""
    out = {}
    for name in TARGETS:
        m = phantom.structure_mask(labels, name)
        if m.sum() >= min_area:
            out[name] = m
    return out


def _train_item(i):
    rng = np.random.default_rng([i, 5])
    side = 512 if rng.uniform() < 0.25 else 256
    fov = 400.0 * rng.uniform(0.85, 1.2)  # vary apparent body size
    shape, spacing = (SLICES, side, side), (5.0, fov / side, fov / side)
    for _ in range(20):  # pick a slice with something to segment
        k = int(rng.integers(0, SLICES))
        hu, lab = phantom.render_slice(phantom.make_anatomy(TRAIN_SEED_BASE + i), k, shape, spacing)
        if structures(lab, MIN_TRAIN_AREA * (side // 256) ** 2):
            break
    img = mp.resize_1024_grey(mp.ct_to_uint8(hu))
    return img, lab, list(structures(lab, MIN_TRAIN_AREA * (side // 256) ** 2))


def build_train_cache(n, path, workers=2):
    """n training images (one slice each from training seeds i = 0..n-1), cached: images uint8
    [n,1024,1024] memmap; label slices and the names of the structures usable as targets in a pickle.
    Reused when present and large enough. Returns (images, labels, catalogue)."""
    img_path, lab_path = path + ".images.u8", path + ".labels.pkl"
    if os.path.exists(lab_path):
        with open(lab_path, "rb") as f:
            labels, catalogue = pickle.load(f)
        if len(labels) >= n:
            images = np.memmap(img_path, np.uint8, "r", shape=(len(labels), 1024, 1024))
            return images[:n], labels[:n], catalogue[:n]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    images = np.memmap(img_path, np.uint8, "w+", shape=(n, 1024, 1024))
    labels, catalogue = [], []
    with Pool(workers) as pool:
        for i, (img, lab, names) in enumerate(pool.imap(_train_item, range(n), chunksize=8)):
            images[i] = img
            labels.append(lab)
            catalogue.append(names)
    images.flush()
    with open(lab_path, "wb") as f:
        pickle.dump((labels, catalogue), f)
    return np.memmap(img_path, np.uint8, "r", shape=(n, 1024, 1024)), labels, catalogue


def eval_cases(seeds=EVAL_SEEDS, indices=(6, 12, 18, 24, 30), side=256, min_area=300):
    """Held-out cases: every target structure of at least min_area px on the given slices of held-out seeds,
    with a 0-5 % jittered box. Yields dicts; the image is left to the caller (exact 3-channel pipeline)."""
    for seed in seeds:
        ana = phantom.make_anatomy(seed)
        for k in indices:
            hu, lab = phantom.render_slice(ana, k, (SLICES, side, side))
            rng = np.random.default_rng([seed, k, 99])
            found = structures(lab, 1)
            for name in TARGETS:
                if name not in found:
                    continue
                m = found[name]
                if m.sum() < min_area:
                    continue
                box = jitter_box(bbox(m), rng, 0.05, side, side)
                yield {"seed": seed, "slice": k, "name": name, "hu": hu, "mask": m, "box": box}
