#!/usr/bin/python3
"""A NIfTI volume (e.g. mricron's ch2.nii.gz, a 1 mm T1) as a valid axial MR Image Storage series.

Orientation convention: the NIfTI affine maps voxel (i, j, k) to RAS+ mm; DICOM wants LPS, so
LPS = diag(-1, -1, 1) . RAS. The voxel axis closest to S/I becomes the slice axis, the one closest to L/R
the columns, the remaining one the rows. An axis is reversed where needed so that columns run toward
patient Left and rows toward Posterior (display as radiologists expect, IOP ~ 1\\0\\0\\0\\1\\0 for a
RAS-aligned volume); slices are ordered inferior to superior. Voxels are copied, never resampled, so the
affine (after the axis flips) gives ImagePositionPatient and ImageOrientationPatient exactly.
"""
import argparse
import os

import nibabel as nib
import numpy as np

from dicom_series import save_json, write_series

RAS_TO_LPS = np.diag([-1.0, -1.0, 1.0])


def axial_layout(affine):
    """Voxel axes for (slices, rows, cols) and whether each is reversed, from the RAS affine."""
    dirs = RAS_TO_LPS @ affine[:3, :3]  # column v: LPS direction of voxel axis v
    dominant = np.abs(dirs).argmax(axis=0)  # 0: L/R, 1: A/P, 2: S/I
    order = [int(np.where(dominant == world)[0][0]) for world in (2, 1, 0)]  # slice, row, col
    if sorted(order) != [0, 1, 2]:
        raise ValueError('affine too oblique to pick axial axes')
    # Reverse an axis whose LPS direction points the "wrong" way: -S for slices, -P for rows, -L for columns.
    flips = [bool(dirs[world, axis] < 0) for axis, world in zip(order, (2, 1, 0))]
    return order, flips, dirs


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--nifti', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--name', default='mr-ch2')
    p.add_argument('--seed', type=int, default=0, help='seeds the UIDs')
    p.add_argument('--study-description', default='MedSAM demo: MR ch2')
    p.add_argument('--patient-name', default='Template^MR^ch2')
    a = p.parse_args()

    img = nib.load(a.nifti)
    data = np.asarray(img.dataobj)
    if data.ndim != 3:
        raise SystemExit('expected a 3-D volume')
    affine = img.affine
    order, flips, dirs = axial_layout(affine)
    vol = np.transpose(data, order)  # -> [slice, row, col]
    for ax, flip in enumerate(flips):
        if flip:
            vol = np.flip(vol, axis=ax)
    # First voxel of each slice and the unit directions, in LPS, after the axis reversals.
    steps = [dirs[:, v] * (-1 if f else 1) for v, f in zip(order, flips)]  # LPS step per slice/row/col
    first = np.zeros(3)
    for v, f in zip(order, flips):
        if f:
            first[v] = data.shape[v] - 1
    origin = RAS_TO_LPS @ (affine[:3, :3] @ first + affine[:3, 3])
    spacing = [float(np.linalg.norm(s)) for s in steps]
    row_dir, col_dir = steps[2] / spacing[2], steps[1] / spacing[1]  # along a row = column step
    positions = [origin + s * steps[0] for s in range(vol.shape[0])]
    if not np.issubdtype(vol.dtype, np.integer):
        raise SystemExit('expected integer voxels')
    meta = {
        'name': a.name,
        'patient_name': a.patient_name,
        'patient_id': f'MEDSAM-{a.name.upper()}',
        'study_description': a.study_description,
        'series_description': f'{os.path.basename(a.nifti)} axial',
        'body_part': 'HEAD',
        'model_name': 'NIfTI conversion',
    }
    series = write_series(vol, out_dir=os.path.join(a.out, 'dicom'), modality='MR', meta=meta, seed=a.seed,
                          orientation=[*row_dir, *col_dir], positions=positions,
                          pixel_spacing=[spacing[1], spacing[2]], slice_thickness=spacing[0])
    series.update(source=os.path.abspath(a.nifti), shape=list(vol.shape))
    save_json(os.path.join(a.out, 'series.json'), series)
    print(f'{vol.shape[0]} MR slices -> {a.out}/dicom (study {series["studyInstanceUid"]})')


if __name__ == '__main__':
    main()
