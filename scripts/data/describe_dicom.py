#!/usr/bin/python3
"""Print, as JSON, the identifiers of DICOM files (path, patient, study, series, SOP instance, modality,
study description): what the seeding step needs to skip instances Orthanc already holds, and what tests
need to open a study by UID.
"""
import json
import sys

import pydicom


def describe(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    return {
        'path': path,
        'patientId': str(ds.get('PatientID', '')),
        'studyUid': ds.StudyInstanceUID,
        'seriesUid': ds.SeriesInstanceUID,
        'sopUid': ds.SOPInstanceUID,
        'modality': ds.get('Modality', ''),
        'studyDescription': str(ds.get('StudyDescription', '')),
        'patientName': str(ds.get('PatientName', '')),
    }


if __name__ == '__main__':
    json.dump([describe(p) for p in sys.argv[1:]], sys.stdout)
