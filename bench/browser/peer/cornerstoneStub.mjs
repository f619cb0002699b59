// Stands in for @cornerstonejs/core and @cornerstonejs/tools when @cornerstonejs/ai's controller is bundled
// for the peer benchmark: just what its modules touch on load and on the decode path. The viewport and the
// labelmap tool it writes through are given to the controller by peerPage.mjs; island removal reports
// "nothing to do" (it needs a real viewport), so the peer's labelmap step is a plain typed-array write too.
class Stub {}

export const eventTarget = new EventTarget();
export const triggerEvent = (target, type, detail) => target.dispatchEvent(new CustomEvent(type, { detail }));
export const cache = {};
export const getEnabledElementByViewportId = () => undefined;
export const Enums = {
  Events: { IMAGE_RENDERED: 'CORNERSTONE_IMAGE_RENDERED', ANNOTATION_ADDED: 'ANNOTATION_ADDED', ANNOTATION_MODIFIED: 'ANNOTATION_MODIFIED', ANNOTATION_COMPLETED: 'ANNOTATION_COMPLETED' },
  InterpolationType: { NEAREST: 0, LINEAR: 1 },
};
export const segmentation = {
  strategies: { fillInsideCircle: () => undefined },
  triggerSegmentationEvents: { triggerSegmentationDataModified: () => undefined },
  activeSegmentation: {},
  segmentIndex: {},
};
export const annotation = {
  state: { getAnnotations: () => [], getAllAnnotations: () => [], addAnnotation: () => undefined, removeAnnotation: () => undefined },
};
export const utilities = {
  planar: { filterAnnotationsForDisplay: (_viewport, annotations) => annotations },
  IslandRemoval: class {
    initialize() {
      return false;
    }
  },
  debounce: (fn) => fn,
  moveAnnotationToViewPlane: (a) => a,
};
export const LabelmapBaseTool = Stub;
export const ProbeTool = Stub;
export const ToolGroupManager = {};
export const addTool = () => undefined;
