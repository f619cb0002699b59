"""LiteMedSAM's 2D image preparation, prompt scaling and post-processing (the 256 profile), in numpy/OpenCV/torch,
transcribed from what CVPR24_LiteMedSAM_infer.py (bowang-lab/MedSAM, branch LiteMedSAM) does:

    uint8 image -> longest side to 256 (cv2 INTER_AREA, other side int(side * scale + 0.5)) -> min-max over the
    resized image -> zero padding bottom/right to 256 x 256;  box -> int(box * (256 / max(H, W)));
    low-res logits -> crop to the resized region -> bilinear (align_corners=False) to H x W -> sigmoid > 0.5.

The core implements the same (core/src/pipeline/resize, box.ts, postprocess.ts); this copy trains and evaluates
the 256-profile test model.
"""
from __future__ import annotations

import cv2
import numpy as np
import torch
import torch.nn.functional as F

INPUT_SIZE = 256


def resized_size(rows: int, cols: int, target: int = INPUT_SIZE) -> tuple[int, int]:
    scale = target * 1.0 / max(rows, cols)
    return max(1, int(rows * scale + 0.5)), max(1, int(cols * scale + 0.5))


def resize_longest_side(img_u8: np.ndarray, target: int = INPUT_SIZE) -> np.ndarray:
    """uint8 [H, W] -> uint8 [h, w] with max(h, w) = target (cv2.resize takes (width, height))."""
    h, w = resized_size(*img_u8.shape[:2], target)
    return cv2.resize(img_u8, (w, h), interpolation=cv2.INTER_AREA)


def encoder_input(img_u8: np.ndarray, target: int = INPUT_SIZE) -> tuple[np.ndarray, tuple[int, int]]:
    """uint8 [H, W] -> (float32 [1, 3, S, S], (h, w)): min-max over the resized image, then zero padding."""
    small = resize_longest_side(img_u8, target).astype(np.float64)
    h, w = small.shape
    unit = (small - small.min()) / np.clip(small.max() - small.min(), 1e-8, None)
    grid = np.zeros((target, target), np.float32)
    grid[:h, :w] = unit
    return np.ascontiguousarray(np.broadcast_to(grid, (1, 3, target, target))), (h, w)


def box_to_256(box, rows: int, cols: int, target: int = INPUT_SIZE) -> np.ndarray:
    """(x0, y0, x1, y1) in source pixels -> model space, truncated per coordinate (ratio first, as the reference)."""
    ratio = target / max(rows, cols)
    return np.array([int(v * ratio) for v in box], np.float64)


def postprocess_logits(low_res: torch.Tensor, resized: tuple[int, int], original: tuple[int, int]) -> torch.Tensor:
    """[N, 1, 256, 256] logits -> [N, 1, H, W] logits: crop to the resized image, bilinear to the source size."""
    h, w = resized
    return F.interpolate(low_res[..., :h, :w], size=original, mode="bilinear", align_corners=False)


def mask_from_logits(low_res: torch.Tensor, resized: tuple[int, int], original: tuple[int, int]) -> np.ndarray:
    """LiteMedSAM's mask: sigmoid of the post-processed logits > 0.5, uint8 [H, W] (first of the batch)."""
    prob = torch.sigmoid(postprocess_logits(low_res, resized, original))
    return (prob[0, 0] > 0.5).numpy().astype(np.uint8)
