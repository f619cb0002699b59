#!/usr/bin/python3
"""Phantom CT studies as DICOM files, plus the label slices a SEG builder needs: the data of the fine-tuning
proof. One study per phantom seed (one patient each); the CT series holds only the chosen slices.

    /usr/bin/python3 models/finetune/phantom_study.py --out DIR --seeds 1 2 3 --slices 14 20 26

Writes DIR/<PatientID>/ct-<k>.dcm (int16 HU, rescale 1/0) and DIR/studies.json: per study the UIDs and per
slice the SOP Instance UID and the label slice (labels-<PatientID>.npy, [slices, rows, cols] uint8, phantom
label ids; see models/testing/phantom.py).

The structure kind the test model never saw is BODY (the whole body outline, as radiotherapy sites draw it:
every labelled voxel); models/testing trained on organs only.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing"))
import phantom  # noqa: E402

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
SHAPE = (40, 256, 256)


def uid(*parts) -> str:
    """A stable 2.25 UID from the parts (same seed → same UIDs, so reruns overwrite, not duplicate)."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()
    return "2.25." + str(int(digest[:30], 16))


def structure(labels, name):
    """Phantom structures plus BODY (every voxel inside the body outline)."""
    if name == "body":
        return labels > 0
    return phantom.structure_mask(labels, name)


def write_slice(path, hu, k, seed, ids, spacing):
    dz, dy, dx = spacing
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = ids["sop"]
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = CT_IMAGE_STORAGE
    ds.SOPInstanceUID = ids["sop"]
    ds.StudyInstanceUID = ids["study"]
    ds.SeriesInstanceUID = ids["series"]
    ds.FrameOfReferenceUID = ids["frame"]
    ds.PatientName = f"Phantom^{seed}"
    ds.PatientID = f"PHANTOM-{seed}"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyDate = (datetime.date(2024, 1, 1) + datetime.timedelta(days=seed)).strftime("%Y%m%d")
    ds.StudyTime = "120000"
    ds.StudyID = str(seed)
    ds.AccessionNumber = f"ACC{seed}"
    ds.ReferringPhysicianName = ""
    ds.Modality = "CT"
    ds.Manufacturer = "medsam-ohif phantom"
    ds.PatientPosition = "HFS"
    ds.PositionReferenceIndicator = ""
    ds.KVP = 120
    ds.AcquisitionNumber = 1
    ds.SeriesNumber = 1
    ds.InstanceNumber = k + 1
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-(SHAPE[2] - 1) / 2 * dx, -(SHAPE[1] - 1) / 2 * dy, -(k - (SHAPE[0] - 1) / 2) * dz]
    ds.PixelSpacing = [dy, dx]
    ds.SliceThickness = dz
    ds.Rows, ds.Columns = hu.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleSlope = 1
    ds.RescaleIntercept = 0
    ds.PixelData = hu.astype("<i2").tobytes()
    ds.save_as(path, write_like_original=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, nargs="+", required=True)
    ap.add_argument("--slices", type=int, nargs="+", default=[14, 20, 26])
    args = ap.parse_args()
    spacing = phantom.default_spacing(SHAPE)
    studies = []
    for seed in args.seeds:
        patient = f"PHANTOM-{seed}"
        folder = os.path.join(args.out, patient)
        os.makedirs(folder, exist_ok=True)
        ana = phantom.make_anatomy(seed)
        ids = {"study": uid("study", seed), "series": uid("series", seed), "frame": uid("frame", seed)}
        labels, slices = [], []
        for k in args.slices:
            hu, lab = phantom.render_slice(ana, k, SHAPE, spacing)
            sop = uid("sop", seed, k)
            write_slice(os.path.join(folder, f"ct-{k}.dcm"), hu, k, seed, {**ids, "sop": sop}, spacing)
            labels.append(lab)
            slices.append({"index": k, "sopInstanceUID": sop, "file": os.path.join(patient, f"ct-{k}.dcm")})
        np.save(os.path.join(args.out, f"labels-{patient}.npy"), np.stack(labels))
        studies.append({"patientId": patient, "seed": seed, **ids, "labels": f"labels-{patient}.npy", "slices": slices})
    with open(os.path.join(args.out, "studies.json"), "w") as f:
        json.dump({"shape": SHAPE, "spacing": list(spacing), "studies": studies}, f, indent=2)
    print(f"wrote {len(studies)} phantom studies to {args.out}")


if __name__ == "__main__":
    main()
