// The SEG's references and geometry, attribute by attribute, against the source images: which source frame
// each SEG frame derives from, where it lies, how it is indexed, and what the shared groups say.
import { readPart10 } from '../../extensions/medsam/src/seg/part10';
import type { SegSourceInstance, Vec3, Vec6 } from '../../extensions/medsam/src/seg/types';
import { buildCase, FIXED_TIME, idKey, segmentsFor, SOURCE_SETS, sourceFrameIds } from '../fixtures/seg/segCases';

type Node = Record<string, unknown>;
const seq = (n: Node | undefined, key: string): Node[] => (Array.isArray(n?.[key]) ? (n![key] as Node[]) : []);
const one = (n: Node | undefined, key: string): Node => {
  const items = seq(n, key);
  expect(items).toHaveLength(1);
  return items[0];
};
const numbers = (v: unknown): number[] => (Array.isArray(v) ? v : [v]).map(Number);
const close = (actual: unknown, expected: readonly number[]) => {
  const a = numbers(actual);
  expect(a).toHaveLength(expected.length);
  a.forEach((x, i) => expect(Math.abs(x - expected[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[i]))));
};

interface ExpectedSourceFrame {
  key: string;
  source: SegSourceInstance;
  frameNumber?: number;
  position: Vec3;
  along: number;
}

/** The source frames with their positions and distance along the slice normal, computed here independently. */
function expectedSourceFrames(sources: SegSourceInstance[]): ExpectedSourceFrame[] {
  const o = sources[0].ImageOrientationPatient;
  const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  return sourceFrameIds(sources).map((id) => {
    const source = sources.find((s) => s.SOPInstanceUID === id.sopInstanceUID)!;
    const position = id.frameNumber ? source.PerFrame![id.frameNumber - 1].ImagePositionPatient : source.ImagePositionPatient!;
    return { key: idKey(id), source, frameNumber: id.frameNumber, position, along: position[0] * n[0] + position[1] * n[1] + position[2] * n[2] };
  });
}

const EXPECTED_SPACING: Record<string, { thickness: number; between?: number }> = {
  'CT series (CT5N, 5 slices)': { thickness: 2.5, between: 2.5 },
  'single CT (CT_small)': { thickness: 5, between: 5 },
  'single MR (MR_small)': { thickness: 0.8 },
  'single MR 360x360 (dicom3tools 0051)': { thickness: 5, between: 6 },
  'multi-frame RT Dose (15 frames, 10x10)': { thickness: 5, between: 5 },
  'multi-frame Enhanced CT (oblique, 10x11)': { thickness: 2.5, between: 2.5 },
};

describe.each(Object.keys(SOURCE_SETS))('geometry of the SEG of %s', (name) => {
  describe.each(['binary', 'labelmap'] as const)('%s', (sopClass) => {
    const c = buildCase(name, sopClass);
    const ds = readPart10(c.bytes).dataset;
    const frames = expectedSourceFrames(c.sources);
    const byAlong = [...frames].sort((a, b) => a.along - b.along);
    const rank = new Map(byAlong.map((f, i) => [f.key, i + 1]));
    const masks = new Map(c.masks.map((m) => [idKey(m), m.labels]));
    const has = (f: ExpectedSourceFrame, segment?: number) => (masks.get(f.key) ?? []).some((v) => (segment === undefined ? v !== 0 : v === segment));
    const expected =
      sopClass === 'binary'
        ? [1, 2].flatMap((segment) => byAlong.filter((f) => has(f, segment)).map((f) => ({ f, segment })))
        : byAlong.filter((f) => has(f)).map((f) => ({ f, segment: undefined }));
    const perFrame = seq(ds, 'PerFrameFunctionalGroupsSequence');
    const shared = one(ds, 'SharedFunctionalGroupsSequence');

    it('has one frame per non-empty source frame (per segment for BINARY), in segment then slice order', () => {
      expect(Number(ds.NumberOfFrames)).toBe(expected.length);
      expect(perFrame).toHaveLength(expected.length);
      expect(ds.Rows).toBe(c.sources[0].Rows);
      expect(ds.Columns).toBe(c.sources[0].Columns);
    });

    it('references the source instance (and frame of a multi-frame source) each frame derives from', () => {
      perFrame.forEach((fg, i) => {
        const { f } = expected[i];
        const derivation = one(fg, 'DerivationImageSequence');
        expect(one(derivation, 'DerivationCodeSequence')).toMatchObject({ CodeValue: '113076', CodingSchemeDesignator: 'DCM' });
        const src = one(derivation, 'SourceImageSequence');
        expect(src.ReferencedSOPInstanceUID).toBe(f.source.SOPInstanceUID);
        expect(src.ReferencedSOPClassUID).toBe(f.source.SOPClassUID);
        if (f.frameNumber === undefined) expect(src.ReferencedFrameNumber).toBeUndefined();
        else expect(Number(src.ReferencedFrameNumber)).toBe(f.frameNumber);
        expect(one(src, 'PurposeOfReferenceCodeSequence')).toMatchObject({ CodeValue: '121322', CodingSchemeDesignator: 'DCM' });
      });
    });

    it("puts each frame at its source frame's ImagePositionPatient, with the source orientation", () => {
      perFrame.forEach((fg, i) => close(one(fg, 'PlanePositionSequence').ImagePositionPatient, expected[i].f.position));
      const orientation = one(shared, 'PlaneOrientationSequence').ImageOrientationPatient;
      close(orientation, c.sources[0].ImageOrientationPatient as Vec6);
      perFrame.forEach((fg) => expect(fg.PlaneOrientationSequence).toBeUndefined());
    });

    it('shares the source pixel spacing, slice thickness and slice spacing', () => {
      const measures = one(shared, 'PixelMeasuresSequence');
      close(measures.PixelSpacing, c.sources[0].PixelSpacing);
      const spacing = EXPECTED_SPACING[name];
      close(measures.SliceThickness, [spacing.thickness]);
      if (spacing.between === undefined) expect(measures.SpacingBetweenSlices).toBeUndefined();
      else expect(Math.abs(Number(measures.SpacingBetweenSlices) - spacing.between)).toBeLessThan(1e-3);
      perFrame.forEach((fg) => expect(fg.PixelMeasuresSequence).toBeUndefined());
    });

    it('indexes frames consistently with the Dimension Index Sequence', () => {
      const dims = seq(ds, 'DimensionIndexSequence');
      const organization = one(ds, 'DimensionOrganizationSequence').DimensionOrganizationUID;
      dims.forEach((d) => expect(d.DimensionOrganizationUID).toBe(organization));
      const pointers = dims.map((d) => [d.DimensionIndexPointer, d.FunctionalGroupPointer]);
      expect(pointers).toEqual(
        sopClass === 'binary'
          ? [
              [0x0062000b, 0x0062000a],
              [0x00200032, 0x00209113],
            ]
          : [[0x00200032, 0x00209113]],
      );
      const seen = new Set<string>();
      perFrame.forEach((fg, i) => {
        const values = numbers(one(fg, 'FrameContentSequence').DimensionIndexValues);
        expect(values).toHaveLength(dims.length);
        const { f, segment } = expected[i];
        if (sopClass === 'binary') {
          const identified = Number(one(fg, 'SegmentIdentificationSequence').ReferencedSegmentNumber);
          expect(identified).toBe(segment);
          expect(values[0]).toBe(identified);
        } else {
          expect(fg.SegmentIdentificationSequence).toBeUndefined();
        }
        expect(values[values.length - 1]).toBe(rank.get(f.key));
        seen.add(values.join('/'));
      });
      expect(seen.size).toBe(perFrame.length);
    });

    it('lists each referenced source instance once in the Referenced Series Sequence', () => {
      const series = one(ds, 'ReferencedSeriesSequence');
      expect(series.SeriesInstanceUID).toBe(c.sources[0].SeriesInstanceUID);
      const listed = seq(series, 'ReferencedInstanceSequence').map((r) => `${r.ReferencedSOPClassUID}|${r.ReferencedSOPInstanceUID}`);
      const used = new Set(expected.map(({ f }) => `${f.source.SOPClassUID}|${f.source.SOPInstanceUID}`));
      expect(new Set(listed)).toEqual(used);
      expect(listed).toHaveLength(used.size);
      expect(ds.FrameOfReferenceUID).toBe(c.sources[0].FrameOfReferenceUID);
      expect(ds.StudyInstanceUID).toBe(c.sources[0].StudyInstanceUID);
    });

    it('numbers segments 1..n and records MedSAM as a semi-automatic AI algorithm with its model and normalisation', () => {
      const items = seq(ds, 'SegmentSequence');
      const inputs = segmentsFor();
      expect(items.map((s) => s.SegmentNumber)).toEqual([1, 2]);
      items.forEach((s, i) => {
        const input = inputs[i];
        expect(s.SegmentLabel).toBe(input.label);
        expect(s.SegmentAlgorithmType).toBe('SEMIAUTOMATIC');
        expect(s.SegmentAlgorithmName).toBe('MedSAM');
        const algorithm = one(s, 'SegmentationAlgorithmIdentificationSequence');
        expect(one(algorithm, 'AlgorithmFamilyCodeSequence')).toMatchObject({ CodeValue: '123110', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Artificial Intelligence' });
        expect(algorithm.AlgorithmName).toBe(input.algorithm!.modelName);
        expect(algorithm.AlgorithmVersion).toBe(input.algorithm!.modelVersion);
        expect(String(algorithm.AlgorithmParameters)).toContain(JSON.stringify(input.normalization));
      });
      expect(one(items[0], 'SegmentedPropertyCategoryCodeSequence')).toMatchObject({ CodeValue: '123037004', CodingSchemeDesignator: 'SCT' });
      expect(one(items[0], 'SegmentedPropertyTypeCodeSequence')).toMatchObject({ CodeValue: '10200004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Liver' });
      expect(one(items[1], 'SegmentedPropertyCategoryCodeSequence')).toMatchObject({ CodeValue: '49755003', CodingSchemeDesignator: 'SCT' });
      expect(one(items[1], 'SegmentedPropertyTypeCodeSequence')).toMatchObject({ CodeValue: '108369006', CodingSchemeDesignator: 'SCT' });
      expect(items[1].SegmentDescription).toBe(inputs[1].description);
    });

    it('carries the caller’s identity, patient/study attributes and the pixel format of its SOP class', () => {
      const s = c.sources[0];
      expect(ds.SOPClassUID).toBe(sopClass === 'binary' ? '1.2.840.10008.5.1.4.1.1.66.4' : '1.2.840.10008.5.1.4.1.1.66.7');
      expect(ds.SeriesInstanceUID).toBe('2.25.10000000000000000000000000000001');
      expect(ds.SOPInstanceUID).toBe('2.25.20000000000000000000000000000001');
      expect(ds.Modality).toBe('SEG');
      expect(Number(ds.SeriesNumber)).toBe(901);
      expect(Number(ds.InstanceNumber)).toBe(1);
      expect(ds.SeriesDescription).toBe('MedSAM (test)');
      expect(ds.ContentLabel).toBe('MEDSAM_TEST');
      expect(ds.ContentDescription).toBe('MedSAM segmentation test');
      expect(ds.ContentCreatorName).toEqual([{ Alphabetic: 'Tester^Tina' }]);
      expect(ds.ContentDate).toBe('20240517');
      expect(ds.ContentTime).toBe('140309');
      expect(FIXED_TIME.getFullYear()).toBe(2024);
      expect(ds.Manufacturer).toBe('medsam-ohif');
      expect(ds.SoftwareVersions).toEqual(['medsam-ohif 0.1.0', 'dcmjs 0.52.2']);
      expect(ds.ImageType).toEqual(['DERIVED', 'PRIMARY']);
      expect(ds.PatientID).toBe(s.PatientID ?? '');
      expect(ds.StudyID).toBe(s.StudyID ?? '');
      expect(ds.SegmentationType).toBe(sopClass === 'binary' ? 'BINARY' : 'LABELMAP');
      expect(ds.SegmentsOverlap).toBe('NO');
      expect(ds.BitsAllocated).toBe(sopClass === 'binary' ? 1 : 8);
      expect(ds.PixelPaddingValue).toBe(sopClass === 'binary' ? undefined : 0);
      expect(ds.LossyImageCompression).toBe('00');
    });
  });
});
