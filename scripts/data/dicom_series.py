"""Write a 3-D volume as a single-frame DICOM series (CT Image or MR Image Storage).

Shared by volume_to_dicom.py (the CT phantom) and nifti_to_dicom.py (the ch2 MR). Geometry comes in
DICOM patient coordinates (LPS, mm): the callers own the conversion from their source. UIDs are derived
from a seed and a name (pydicom's 2.25 hash UIDs), so a rerun writes byte-identical objects.
Run with Debian's interpreter (/usr/bin/python3): it has pydicom and numpy.
"""
import copy
import json
import os
import uuid

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

SOP_CLASS = {'CT': '1.2.840.10008.5.1.4.1.1.2', 'MR': '1.2.840.10008.5.1.4.1.1.4'}
# A fixed date keeps reruns identical; the series are synthetic or converted, not acquisitions.
CONTENT_DATE, CONTENT_TIME = '20240101', '120000'


UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, 'urn:medsam-ohif:demo-data')


def make_uid(seed, *parts):
    """Deterministic UID (a name-based UUID under 2.25): same seed and parts, same UID on every run."""
    # Not pydicom's generate_uid: with prefix=None its 2.3 release ignores the entropy and uses uuid4.
    return f"2.25.{uuid.uuid5(UID_NAMESPACE, '/'.join(map(str, (seed, *parts)))).int}"


def _stored_pixels(volume, modality):
    """Unsigned 16-bit stored values plus the rescale that maps them back to the source values exactly."""
    vol = np.asarray(volume)
    if not np.issubdtype(vol.dtype, np.integer):
        raise ValueError('volume must hold integers (HU for CT, signal for MR)')
    lo = int(vol.min())
    # CT: the usual -1024 intercept unless the data go lower; MR: no rescale (the MR IOD has none), so the
    # data must already be non-negative.
    intercept = min(-1024, lo) if modality == 'CT' else 0
    if modality != 'CT' and lo < 0:
        raise ValueError('MR volume must be non-negative')
    stored = vol.astype(np.int64) - intercept
    if stored.max() > 65535:
        raise ValueError('values exceed 16 bits after rescale')
    return stored.astype(np.uint16), intercept


def _base_dataset(meta, modality, seed):
    ds = Dataset()
    ds.SpecificCharacterSet = 'ISO_IR 100'
    ds.SOPClassUID = SOP_CLASS[modality]
    ds.PatientName = meta['patient_name']
    ds.PatientID = meta['patient_id']
    ds.PatientBirthDate = ''
    ds.PatientSex = meta.get('patient_sex', 'O')
    ds.StudyInstanceUID = make_uid(seed, meta['name'], 'study')
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = CONTENT_DATE
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = CONTENT_TIME
    ds.ReferringPhysicianName = ''
    ds.StudyID = meta.get('study_id', '1')
    ds.AccessionNumber = ''
    ds.StudyDescription = meta['study_description']
    ds.Modality = modality
    ds.SeriesInstanceUID = make_uid(seed, meta['name'], 'series')
    ds.SeriesNumber = 1
    ds.SeriesDescription = meta.get('series_description', '')
    ds.FrameOfReferenceUID = make_uid(seed, meta['name'], 'frame-of-reference')
    ds.PositionReferenceIndicator = ''
    ds.Manufacturer = 'medsam-ohif'
    ds.ManufacturerModelName = meta.get('model_name', 'synthetic')
    ds.SoftwareVersions = '0.1.0'
    ds.BodyPartExamined = meta.get('body_part', '')
    ds.PatientPosition = 'HFS'
    ds.ImageType = ['DERIVED', 'SECONDARY', 'AXIAL' if modality == 'CT' else 'OTHER']
    ds.AcquisitionNumber = 1
    ds.BurnedInAnnotation = 'NO'
    if modality == 'CT':
        ds.KVP = ''
        ds.ConvolutionKernel = ''
    else:
        # Converted data: acquisition parameters are unknown. 'RM' (research mode) is the honest value.
        ds.ScanningSequence = 'RM'
        ds.SequenceVariant = 'NONE'
        ds.ScanOptions = ''
        ds.MRAcquisitionType = '3D'
        ds.EchoTime = ''
        ds.EchoTrainLength = ''
        ds.RepetitionTime = ''
        ds.MagneticFieldStrength = ''
    return ds


def write_series(volume, *, out_dir, modality, meta, seed, orientation, positions, pixel_spacing,
                 slice_thickness, window=None):
    """Write volume[s, row, col] as one file per slice.

    orientation: ImageOrientationPatient (row direction then column direction, LPS unit vectors);
    positions: ImagePositionPatient of each slice's first pixel; pixel_spacing: (between rows, between
    columns) in mm. Returns per-slice records (index, SOPInstanceUID, file, position).
    """
    stored, intercept = _stored_pixels(volume, modality)
    n_slices, rows, cols = stored.shape
    if len(positions) != n_slices:
        raise ValueError('one position per slice needed')
    if window is None:
        lo, hi = np.percentile(np.asarray(volume), [0.5, 99.5])
        window = ((lo + hi) / 2, max(hi - lo, 1))
    os.makedirs(out_dir, exist_ok=True)
    base = _base_dataset(meta, modality, seed)
    records = []
    for s in range(n_slices):
        ds = copy.deepcopy(base)
        ds.SOPInstanceUID = make_uid(seed, meta['name'], 'instance', s)
        ds.InstanceNumber = s + 1
        ds.ImagePositionPatient = [round(float(v), 4) + 0.0 for v in positions[s]]  # + 0.0: no '-0.0'
        ds.ImageOrientationPatient = [round(float(v), 6) + 0.0 for v in orientation]
        ds.SliceLocation = round(float(np.dot(positions[s], np.cross(orientation[:3], orientation[3:]))), 4)
        ds.PixelSpacing = [round(float(v), 6) for v in pixel_spacing]
        ds.SliceThickness = round(float(slice_thickness), 6)
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = 'MONOCHROME2'
        ds.Rows, ds.Columns = rows, cols
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
        if modality == 'CT':
            ds.RescaleIntercept = intercept
            ds.RescaleSlope = 1
            ds.RescaleType = 'HU'
        ds.WindowCenter = round(float(window[0]), 2)
        ds.WindowWidth = round(float(window[1]), 2)
        ds.PixelData = np.ascontiguousarray(stored[s]).tobytes()

        fm = FileMetaDataset()
        fm.MediaStorageSOPClassUID = ds.SOPClassUID
        fm.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        fm.TransferSyntaxUID = ExplicitVRLittleEndian
        fm.ImplementationClassUID = make_uid('implementation', 'medsam-ohif')
        ds.file_meta = fm
        ds.is_little_endian, ds.is_implicit_VR = True, False  # pydicom 2.x (Debian 12) needs these set
        name = f'{s + 1:04d}.dcm'
        ds.save_as(os.path.join(out_dir, name), write_like_original=False)
        records.append({'index': s, 'sopInstanceUid': ds.SOPInstanceUID, 'file': name,
                        'imagePositionPatient': list(ds.ImagePositionPatient)})
    return {'studyInstanceUid': base.StudyInstanceUID, 'seriesInstanceUid': base.SeriesInstanceUID,
            'patientId': base.PatientID, 'modality': modality, 'slices': records}


def save_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')
