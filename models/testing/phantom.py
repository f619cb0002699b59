#!/usr/bin/python3
"""Deterministic synthetic CT-like phantom (abdomen / lower thorax) in Hounsfield units, with labels.

The anatomy is drawn from a seed in millimetres, so the same seed gives the same patient at any matrix size
or slice spacing. Each slice is rendered on its own from (seed, slice index): the 2D function returns exactly
one slice of the 3D volume, which lets training draw single slices cheaply.

Conventions: volume axes are (slice, row, column); slice 0 is the most superior (lungs near the top), row 0 is
anterior, column 0 is the patient's right (radiological display). Label 0 is air outside the body.

CLI:  /usr/bin/python3 models/testing/phantom.py --seed 7 --shape 40 256 256 --out DIR
      writes DIR/hu.npy (int16), DIR/labels.npy (uint8) and DIR/labels.json.
"""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter

LABELS = {
    0: "background",
    1: "body",
    2: "lung_right",
    3: "lung_left",
    4: "liver",
    5: "spleen",
    6: "kidney_right",
    7: "kidney_left",
    8: "aorta",
    9: "spine",
    10: "ribs",
    11: "liver_lesion",
}
LABEL_IDS = {name: i for i, name in LABELS.items()}
# A structure's mask includes the labels nested inside it (the liver mask includes its lesion, as in LiTS).
CONTAINS = {"liver": ["liver_lesion"]}

# Default field of view: 200 mm cranio-caudal, 400 mm in-plane, whatever the matrix.
DEFAULT_SHAPE = (40, 256, 256)
DEFAULT_FOV_MM = (200.0, 400.0, 400.0)


def default_spacing(shape):
    return tuple(f / n for f, n in zip(DEFAULT_FOV_MM, shape))


@dataclass
class Blob:
    """A perturbed, rotated ellipsoid in mm. The surface radius is modulated by a few low-frequency sines of
    the direction, so each seed gets a different, smooth, non-elliptic shape."""

    centre: np.ndarray  # (x, y, z) mm
    radii: np.ndarray  # (rx, ry, rz) mm
    angle: float  # in-plane rotation, radians
    waves: np.ndarray  # (k, 3) direction frequencies
    phases: np.ndarray  # (k,)
    amps: np.ndarray  # (k,)

    def level(self, x, y, z, grow_mm=0.0):
        """<= 0 inside. x, y: 2D grids (mm); z: scalar (mm). grow_mm inflates the shape (for fat halos)."""
        dx, dy = x - self.centre[0], y - self.centre[1]
        c, s = np.cos(self.angle), np.sin(self.angle)
        r = self.radii + grow_mm
        qx = (c * dx + s * dy) / r[0]
        qy = (-s * dx + c * dy) / r[1]
        qz = (z - self.centre[2]) / r[2]
        d = np.sqrt(qx * qx + qy * qy + qz * qz) + 1e-9
        u = np.stack([qx / d, qy / d, np.broadcast_to(qz / d, d.shape)], -1)
        rho = 1.0 + np.sin(u @ self.waves.T + self.phases) @ self.amps
        return d - rho

    def z_extent(self):
        m = 1.0 + np.abs(self.amps).sum()
        return self.centre[2] - self.radii[2] * m, self.centre[2] + self.radii[2] * m

    def xy_reach(self, grow_mm=0.0):
        return (max(self.radii[0], self.radii[1]) + grow_mm) * (1.0 + np.abs(self.amps).sum())


def _blob(rng, centre, radii, angle=0.0, bumpiness=0.06, k=4):
    dirs = rng.normal(size=(k, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    return Blob(
        centre=np.asarray(centre, float),
        radii=np.asarray(radii, float),
        angle=float(angle),
        waves=dirs * rng.uniform(1.5, 3.5, size=(k, 1)),
        phases=rng.uniform(0, 2 * np.pi, size=k),
        amps=rng.uniform(0, bumpiness, size=k),
    )


@dataclass
class Anatomy:
    """Everything random about one phantom patient; rendering is then deterministic."""

    seed: int
    hu: dict
    body_a: float
    body_b: float
    body_harm: np.ndarray  # (k, 3): harmonic order, amplitude, phase of the body outline
    fat_mm: float
    organs: dict = field(default_factory=dict)  # name -> Blob
    cortex_mm: float = 0.0  # kidney cortex thickness; 0 = no contrast enhancement
    spine_xy: tuple = (0.0, 0.0)
    spine_r: float = 20.0
    aorta: dict = field(default_factory=dict)
    ribs: list = field(default_factory=list)  # (angle, radius mm, z_min, z_max)
    noise_sd: float = 15.0
    blur_px: float = 0.7


def make_anatomy(seed: int) -> Anatomy:
    rng = np.random.default_rng([int(seed), 20240601])
    u = rng.uniform
    liver_hu = u(58, 72)
    hu = {
        "air": -1000.0,
        "fat": u(-110, -90),
        "soft": u(35, 45),
        "lung": u(-850, -780),
        "liver": liver_hu,
        "lesion": liver_hu - u(20, 30),
        "spleen": u(45, 55),
        "kidney": u(25, 35),
        "cortex": u(140, 170),
        "aorta": u(180, 230),
        "cancellous": u(380, 480),
        "cortical": u(700, 1000),
        "canal": u(15, 30),
    }
    a, b = u(140, 175), u(100, 125)  # body semi-axes (x, y), mm
    ana = Anatomy(
        seed=int(seed),
        hu=hu,
        body_a=a,
        body_b=b,
        body_harm=np.stack([np.arange(2, 6), u(0, 0.025, 4), u(0, 2 * np.pi, 4)], 1),
        fat_mm=u(8, 25),
        noise_sd=u(10, 20),
        blur_px=u(0.6, 0.8),
    )
    ia, ib = a - ana.fat_mm, b - ana.fat_mm  # inner (muscle wall) semi-axes

    # Spine: vertebral body centred posteriorly, aorta just in front of it and to the patient's left.
    sx, sy = u(-5, 5), ib * u(0.45, 0.6)
    ana.spine_xy, ana.spine_r = (sx, sy), u(17, 23)
    ana.aorta = {
        "x": sx + u(12, 25),
        "y": sy - ana.spine_r - u(12, 18),
        "r": u(9, 14),
        "wander": u(0, 6, 2),
        "phase": u(0, 2 * np.pi, 2),
    }

    lung_base = u(-60, 0)  # z (mm from scan centre) of the lung bases
    for side, sgn in (("lung_right", -1), ("lung_left", 1)):
        rz = u(110, 150)
        ana.organs[side] = _blob(
            rng,
            (sgn * ia * u(0.42, 0.55), u(-0.05, 0.1) * ib, lung_base + u(-15, 15) - rz),
            (ia * u(0.3, 0.4), ib * u(0.6, 0.75), rz),
            u(-0.2, 0.2),
            0.05,
        )
    ana.organs["liver"] = _blob(
        rng,
        (-ia * u(0.3, 0.45), -u(0, 0.15) * ib, u(-40, 10)),
        (ia * u(0.35, 0.5), ib * u(0.55, 0.75), u(60, 95)),
        u(-0.5, 0.2),
        0.07,
    )
    ana.organs["spleen"] = _blob(
        rng,
        (ia * u(0.5, 0.65), ib * u(0.2, 0.4), u(-30, 20)),
        (u(30, 55), u(22, 38), u(35, 60)),
        u(-0.8, 0.2),
        0.08,
    )
    kz = u(15, 55)
    for side, sgn in (("kidney_right", -1), ("kidney_left", 1)):
        ana.organs[side] = _blob(
            rng,
            (sx + sgn * u(55, 75), sy + u(-10, 10), kz + u(-15, 5) * (1 if sgn > 0 else -1)),
            (u(22, 32), u(20, 28), u(40, 60)),
            sgn * u(0.2, 0.7),
            0.05,
        )
    ana.cortex_mm = u(4, 7) if u() < 0.5 else 0.0
    _separate_organs(ana)

    # Lesion: well inside the liver (normalised radius < 0.45), painted only over liver voxels.
    liv = ana.organs["liver"]
    q = rng.normal(size=3)
    q *= u(0, 0.45) / np.linalg.norm(q)
    c, s = np.cos(liv.angle), np.sin(liv.angle)
    off = q * liv.radii
    centre = liv.centre + np.array([c * off[0] - s * off[1], s * off[0] + c * off[1], off[2]])
    r = u(8, 25)
    ana.organs["liver_lesion"] = _blob(rng, centre, r * u(0.8, 1.2, 3), u(0, np.pi), 0.08)

    # Ribs: small bony cross-sections in the body wall, over the upper part of the scan.
    for ang in np.linspace(0.15 * np.pi, 0.85 * np.pi, int(rng.integers(4, 7))):
        for sgn in (-1, 1):
            ana.ribs.append((np.pi / 2 - sgn * (np.pi / 2 - ang) + u(-0.08, 0.08), u(4, 7), u(-100, -80), u(-10, 40)))
    return ana


def _tube(x, y, r):
    """A vertical cylinder as a Blob, for overlap checks against the spine and the (wandering) aorta."""
    return Blob(np.array([x, y, 0.0]), np.array([r, r, 1e4]), 0.0, np.zeros((1, 3)), np.zeros(1), np.zeros(1))


def _overlap(a: Blob, b: Blob, gap_mm=3.0, step=2.5):
    """Whether two shapes come closer than gap_mm (sampled on a step-mm grid over their common extent)."""
    lo = np.maximum(a.centre - a.xy_reach(gap_mm), b.centre - b.xy_reach(gap_mm))[:2]
    hi = np.minimum(a.centre + a.xy_reach(gap_mm), b.centre + b.xy_reach(gap_mm))[:2]
    z0, z1 = max(a.z_extent()[0], b.z_extent()[0]), min(a.z_extent()[1], b.z_extent()[1])
    if np.any(lo >= hi) or z0 >= z1:
        return False
    y, x = np.meshgrid(np.arange(lo[1], hi[1], step), np.arange(lo[0], hi[0], step), indexing="ij")
    for z in np.arange(z0, z1, step):
        if np.any((a.level(x, y, z, gap_mm / 2) <= 0) & (b.level(x, y, z, gap_mm / 2) <= 0)):
            return True
    return False


def _separate_organs(ana: Anatomy):
    """Solid organs never interpenetrate: where two would, the movable one is pushed away in-plane, 2 mm a
    step, leaving a fat plane between them (an organ embedded in another would be anatomical nonsense)."""
    o, ao = ana.organs, ana.aorta
    spine = _tube(*ana.spine_xy, ana.spine_r + 14.0)  # with the posterior arch
    aorta = _tube(ao["x"], ao["y"], ao["r"] + np.abs(ao["wander"]).max() + 3.0)
    pairs = [(spine, "kidney_right"), (spine, "kidney_left"), (aorta, "kidney_right"), (aorta, "kidney_left"),
             (o["liver"], "kidney_right"), (o["kidney_left"], "spleen"), (o["liver"], "spleen")]
    for _ in range(3):  # a push can create a new contact; repeat until none is left
        moved = False
        for fixed, name in pairs:
            blob = o[name]
            d = blob.centre[:2] - fixed.centre[:2]
            d = d / (np.linalg.norm(d) + 1e-9)
            for _ in range(40):
                if not _overlap(fixed, blob):
                    break
                blob.centre[:2] += 2.0 * d
                moved = True
        if not moved:
            break


def _body_radius(ana: Anatomy, phi):
    h = ana.body_harm
    return 1.0 + (h[:, 1] * np.cos(h[:, 0] * phi[..., None] + h[:, 2])).sum(-1)


def render_slice(ana: Anatomy, index: int, shape=DEFAULT_SHAPE, spacing=None):
    """Render slice `index` of the phantom volume: (hu int16 [rows, cols], labels uint8 [rows, cols])."""
    slices, rows, cols = shape
    dz, dy, dx = spacing if spacing is not None else default_spacing(shape)
    z = (index - (slices - 1) / 2.0) * dz
    y, x = np.meshgrid((np.arange(rows) - (rows - 1) / 2.0) * dy, (np.arange(cols) - (cols - 1) / 2.0) * dx, indexing="ij")
    hu = np.full((rows, cols), ana.hu["air"])
    lab = np.zeros((rows, cols), np.uint8)

    def paint(mask, value, label):
        hu[mask] = value
        lab[mask] = label

    # Body: fat rim outside a soft-tissue core; the outline wobbles gently with angle and z.
    taper = 1.0 + 0.03 * np.sin(z / 60.0 + ana.seed)
    phi = np.arctan2(y / ana.body_b, x / ana.body_a)
    rn = np.hypot(x / (ana.body_a * taper), y / (ana.body_b * taper)) / _body_radius(ana, phi)
    paint(rn <= 1.0, ana.hu["fat"], 1)
    inner = np.hypot(x / (ana.body_a * taper - ana.fat_mm), y / (ana.body_b * taper - ana.fat_mm)) / _body_radius(ana, phi)
    paint(inner <= 1.0, ana.hu["soft"], 1)
    body_core = inner <= 1.0

    for ang, r, z0, z1 in ana.ribs:
        if z0 <= z <= z1:
            rx, ry = (ana.body_a * taper - ana.fat_mm * 0.6), (ana.body_b * taper - ana.fat_mm * 0.6)
            m = np.hypot(x - rx * np.cos(ang), y - ry * np.sin(ang)) <= r
            paint(m & (rn <= 1.0), ana.hu["cortical"] * 0.8, LABEL_IDS["ribs"])

    def organ(name, value, halo_mm=0.0):
        blob = ana.organs[name]
        z0, z1 = blob.z_extent()
        if not (z0 - halo_mm <= z <= z1 + halo_mm):
            return None
        lv = blob.level(x, y, z)
        if halo_mm > 0:  # perivisceral fat: outlines the organ wherever it lies in plain soft tissue
            halo = (blob.level(x, y, z, grow_mm=halo_mm) <= 0) & (lab == 1) & body_core
            hu[halo] = ana.hu["fat"]
        m = (lv <= 0) & body_core
        paint(m, value, LABEL_IDS[name])
        return m, lv

    organ("lung_right", ana.hu["lung"])
    organ("lung_left", ana.hu["lung"])
    organ("liver", ana.hu["liver"], halo_mm=3.0)
    organ("spleen", ana.hu["spleen"], halo_mm=4.0)
    for side in ("kidney_right", "kidney_left"):
        got = organ(side, ana.hu["kidney"], halo_mm=6.0)
        if got is not None and ana.cortex_mm > 0:
            m, lv = got
            r_mean = ana.organs[side].radii[:2].mean()
            hu[m & (lv > -ana.cortex_mm / r_mean)] = ana.hu["cortex"]

    # Aorta: a tube that drifts slowly with z, wrapped in fat.
    ao = ana.aorta
    ax = ao["x"] + ao["wander"][0] * np.sin(z / 50.0 + ao["phase"][0])
    ay = ao["y"] + ao["wander"][1] * np.sin(z / 50.0 + ao["phase"][1])
    d_ao = np.hypot(x - ax, y - ay)
    hu[(d_ao <= ao["r"] + 3.0) & (lab == 1)] = ana.hu["fat"]
    paint(d_ao <= ao["r"], ana.hu["aorta"], LABEL_IDS["aorta"])

    # Spine: vertebral body (cortical shell, cancellous core), canal, posterior arch and spinous process.
    sx, sy = ana.spine_xy
    R = ana.spine_r
    d_vb = np.hypot(x - sx, (y - sy) * 1.1)
    canal_y, canal_r = sy + R + 6.0, 8.0
    d_canal = np.hypot(x - sx, y - canal_y)
    arch = (d_canal <= canal_r + 6.0) | ((np.abs(x - sx) <= 4.0) & (y >= canal_y) & (y <= canal_y + canal_r + 22.0))
    bone = (d_vb <= R) | arch
    paint(bone, ana.hu["cortical"], LABEL_IDS["spine"])
    hu[d_vb <= R - 2.5] = ana.hu["cancellous"]
    paint(d_canal <= canal_r, ana.hu["canal"], 1)

    # The lesion is painted last and only over visible liver, so it never leaves the organ.
    les = ana.organs["liver_lesion"]
    z0, z1 = les.z_extent()
    if z0 <= z <= z1:
        paint((les.level(x, y, z) <= 0) & (lab == LABEL_IDS["liver"]), ana.hu["lesion"], LABEL_IDS["liver_lesion"])

    return _finish(ana, index, hu, lab)


def _finish(ana, index, hu, lab):
    """Noise, then a slight in-plane blur (partial volume, reconstruction kernel); slice-seeded."""
    rng = np.random.default_rng([ana.seed, 7919, int(index)])
    noisy = hu + rng.normal(0.0, ana.noise_sd, hu.shape)
    out = gaussian_filter(noisy, ana.blur_px, mode="nearest")
    return np.clip(np.rint(out), -1024, 3071).astype(np.int16), lab


def make_ct_phantom_volume(seed: int, shape=DEFAULT_SHAPE, spacing=None):
    """(hu int16 [slices, rows, cols], labels uint8 [slices, rows, cols], {label id: name}).
    spacing (slice, row, col) in mm defaults to a 200 x 400 x 400 mm field of view."""
    ana = make_anatomy(seed)
    spacing = tuple(spacing) if spacing is not None else default_spacing(shape)
    pairs = [render_slice(ana, k, shape, spacing) for k in range(shape[0])]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs]), dict(LABELS)


def make_ct_phantom_slice(seed: int, index=None, shape=DEFAULT_SHAPE, spacing=None):
    """One slice of make_ct_phantom_volume(seed, shape, spacing), identical to volume[index], rendered alone.
    index=None picks a slice from the seed. Returns (hu [rows, cols], labels [rows, cols], names, index)."""
    if index is None:
        index = int(np.random.default_rng([int(seed), 31337]).integers(0, shape[0]))
    hu, lab = render_slice(make_anatomy(seed), int(index), shape, spacing)
    return hu, lab, dict(LABELS), int(index)


def structure_mask(labels, name):
    """Mask of a named structure, including the labels nested inside it (liver includes its lesion)."""
    ids = [LABEL_IDS[name]] + [LABEL_IDS[n] for n in CONTAINS.get(name, [])]
    return np.isin(labels, ids)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--shape", type=int, nargs=3, default=list(DEFAULT_SHAPE), metavar=("SLICES", "ROWS", "COLS"))
    ap.add_argument("--spacing", type=float, nargs=3, default=None, metavar=("DZ", "DY", "DX"), help="mm")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    shape = tuple(args.shape)
    spacing = tuple(args.spacing) if args.spacing else default_spacing(shape)
    hu, lab, names = make_ct_phantom_volume(args.seed, shape, spacing)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "hu.npy"), hu)
    np.save(os.path.join(args.out, "labels.npy"), lab)
    meta = {
        "generator": "medsam-ohif models/testing/phantom.py",
        "seed": args.seed,
        "shape": list(shape),
        "axes": ["slice (0 = superior)", "row (0 = anterior)", "column (0 = patient right)"],
        "spacing_mm": [float(s) for s in spacing],
        "units": "HU (int16, rescale slope 1, intercept 0)",
        "labels": {str(k): v for k, v in names.items()},
        "contains": CONTAINS,
    }
    with open(os.path.join(args.out, "labels.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"wrote {args.out}: hu {hu.shape} [{hu.min()}, {hu.max()}], labels present: "
          f"{sorted(names[i] for i in np.unique(lab))}")


if __name__ == "__main__":
    main()
