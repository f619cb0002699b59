#!/usr/bin/python3
"""The CT phantom (hu.npy from models/testing/phantom.py) as a valid CT Image Storage series.

Geometry, as the generator defines it: hu[s, r, c] is slice s (0 = most superior), row r (0 = anterior),
column c (0 = patient right). In DICOM LPS mm: columns run toward patient Left and rows toward Posterior
(ImageOrientationPatient 1\\0\\0\\0\\1\\0, standard axial), slice s lies at z = ((S-1)/2 - s) * dz, and
the volume is centred on the origin; InstanceNumber = s + 1. Spacing [dz, dy, dx]: labels.json "spacing_mm"
when the generator writes it, else --spacing.
Writes <out>/dicom/NNNN.dcm and <out>/series.json (UIDs, slice index <-> SOPInstanceUID).
"""
import argparse
import json
import os

import numpy as np

from dicom_series import save_json, write_series


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--phantom', required=True, help='folder with hu.npy (int16 HU, [z, y, x]) and labels.json')
    p.add_argument('--out', required=True)
    p.add_argument('--seed', type=int, required=True, help='the phantom seed; also seeds the UIDs')
    p.add_argument('--spacing', type=float, nargs=3, default=[5.0, 1.5625, 1.5625], metavar=('DZ', 'DY', 'DX'))
    a = p.parse_args()

    hu = np.load(os.path.join(a.phantom, 'hu.npy'))
    labels_meta_path = os.path.join(a.phantom, 'labels.json')
    labels_meta = json.load(open(labels_meta_path)) if os.path.exists(labels_meta_path) else {}
    dz, dy, dx = labels_meta.get('spacing_mm', a.spacing)
    n, rows, cols = hu.shape
    positions = [[-(cols - 1) / 2 * dx, -(rows - 1) / 2 * dy, ((n - 1) / 2 - s) * dz] for s in range(n)]
    meta = {
        'name': 'ct-phantom',
        'patient_name': 'Phantom^CT',
        'patient_id': f'MEDSAM-PHANTOM-{a.seed}',
        'study_description': 'MedSAM demo: CT phantom',
        'series_description': f'Synthetic CT phantom, seed {a.seed}',
        'body_part': 'ABDOMEN',
    }
    series = write_series(hu, out_dir=os.path.join(a.out, 'dicom'), modality='CT', meta=meta, seed=a.seed,
                          orientation=[1, 0, 0, 0, 1, 0], positions=positions, pixel_spacing=[dy, dx],
                          slice_thickness=dz, window=(40, 400))
    series.update(seed=a.seed, spacing=[dz, dy, dx], shape=[n, rows, cols])
    save_json(os.path.join(a.out, 'series.json'), series)
    print(f'{n} CT slices -> {a.out}/dicom (study {series["studyInstanceUid"]})')


if __name__ == '__main__':
    main()
