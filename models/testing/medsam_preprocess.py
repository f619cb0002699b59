"""MedSAM ViT-B image preparation (docs: /work/shared/docs/MEDSAM_PIPELINE.md sections 1-3), in numpy/skimage.

HU -> clip to the CT window -> linear to 0..255 -> uint8 truncation -> grey to 3 channels ->
skimage cubic resize to 1024x1024 (preserve_range, anti_aliasing) -> uint8 truncation ->
min-max to [0, 1] -> float32 NCHW [1, 3, 1024, 1024].
"""
from __future__ import annotations

import numpy as np
from skimage.transform import resize

CT_WINDOW = (-500.0, 1000.0)  # MedSAM paper v1 default
INPUT_SIZE = 1024


def ct_to_uint8(hu, window=CT_WINDOW):
    lo, hi = window
    x = (np.clip(np.asarray(hu, np.float64), lo, hi) - lo) / (hi - lo) * 255.0
    return x.astype(np.uint8)  # truncation, as np.uint8(x) in the reference code


def resize_1024(img_u8):
    """The reference call on the 3-channel image: returns uint8 [1024, 1024, 3]."""
    img_3c = np.repeat(img_u8[:, :, None], 3, axis=-1)
    out = resize(img_3c, (INPUT_SIZE, INPUT_SIZE), order=3, preserve_range=True, anti_aliasing=True)
    return out.astype(np.uint8)


def resize_1024_grey(img_u8):
    """Same result as resize_1024(img)[..., 0] but ~25x faster (the channel axis is never interpolated);
    used for training data only. check_fast_path() asserts the equality on a given image."""
    out = resize(img_u8, (INPUT_SIZE, INPUT_SIZE), order=3, preserve_range=True, anti_aliasing=True)
    return out.astype(np.uint8)


def check_fast_path(img_u8):
    full = resize_1024(img_u8)
    fast = resize_1024_grey(img_u8)
    assert all(np.array_equal(full[:, :, c], fast) for c in range(3)), "fast grey resize differs from reference"


def minmax_nchw(img_1024_u8):
    """uint8 [1024, 1024] or [1024, 1024, 3] -> float32 [1, 3, 1024, 1024] in [0, 1]."""
    x = img_1024_u8.astype(np.float64)
    x = (x - x.min()) / np.clip(x.max() - x.min(), 1e-8, None)
    if x.ndim == 2:
        x = np.repeat(x[:, :, None], 3, axis=-1)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None].astype(np.float32))


def preprocess_ct(hu, window=CT_WINDOW):
    """The exact reference pipeline: HU [H, W] -> float32 [1, 3, 1024, 1024]."""
    return minmax_nchw(resize_1024(ct_to_uint8(hu, window)))


def box_to_1024(box, height, width):
    """Box (x0, y0, x1, y1) in original pixels -> 1024 model space, no rounding (MedSAM's stretch)."""
    scale = np.array([width, height, width, height], np.float64)
    return np.asarray(box, np.float64) / scale * INPUT_SIZE
