import { SegmentationTargets } from './segmentationTarget';
import type { SegmentationService } from '../types/ohif';

jest.mock('@cornerstonejs/tools', () => ({ segmentation: {} }));

/** A service whose addSegment registers nothing: what issue 9 saw after a save. */
function service(registers: boolean): SegmentationService {
  const segments: Record<number, { segmentIndex: number; label: string; active: boolean; locked: boolean }> = { 1: { segmentIndex: 1, label: 'a', active: true, locked: false } };
  return {
    getSegmentation: () => ({ segmentationId: 's', label: 'S', segments }),
    getNextAvailableSegmentIndex: () => Math.max(...Object.keys(segments).map(Number)) + 1,
    addSegment: (_id: string, s: { segmentIndex: number; label: string }) => {
      if (registers) segments[s.segmentIndex] = { segmentIndex: s.segmentIndex, label: s.label, active: true, locked: false };
    },
  } as unknown as SegmentationService;
}

test('a new segment that the service really added is used', () => {
  expect(new SegmentationTargets(service(true)).segmentForAccept('s', true)).toEqual({ segmentIndex: 2, label: 'MedSAM 2', created: true });
});

test('a new segment the service did not register fails in plain words', () => {
  expect(() => new SegmentationTargets(service(false)).segmentForAccept('s', true)).toThrow(/did not add segment 2/);
});

test('a preview is drawn in the active segment\'s layer, or segment 1\'s when none is active', () => {
  const svc = service(true);
  const targets = new SegmentationTargets(svc);
  const a = svc.getSegmentation('s')!.segments[1]!;
  svc.addSegment('s', { segmentIndex: 2, label: 'b' } as never); // active
  (a as { active: boolean }).active = false;
  expect(targets.previewSegment('s')).toBe(2);
  (svc.getSegmentation('s')!.segments[2] as { active: boolean }).active = false;
  expect(targets.previewSegment('s')).toBe(1);
});
