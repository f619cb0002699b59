import type { Box } from '@medsam-ohif/core';
import type { BoxCompleted } from '../tools/MedSamBoxTool';
import type { SegmentRequest, SegmentResult } from '../worker/protocol';

/** What the live mask needs from the rest of the extension (fakes in tests). `D`: a drawing on screen. */
export interface LiveMaskDeps<D = unknown> {
  /** The setting (medsam.liveMask) and the moment (e.g. no 3D preview open). */
  readonly active: () => boolean;
  /** The slice's embedding is in the worker's cache (otherwise the box waits for mouse-up, as before). */
  readonly embeddingReady: (viewportId: string, imageId: string) => boolean;
  /** The slice as a segment request takes it; read once per drag. */
  readonly input: (viewportId: string, imageId: string) => Promise<Omit<SegmentRequest, 'box'>>;
  readonly segment: (request: SegmentRequest) => Promise<SegmentResult>;
  /** Draws `result` under the box (preview label), replacing the last live drawing; false if it cannot (no segmentation yet). */
  readonly draw: (box: BoxCompleted, result: SegmentResult) => boolean;
  /** Removes the live drawing (the labelmap as before the drag). */
  readonly erase: () => void;
  /** Hands the live drawing over to the caller: it stays on screen, and `erase` no longer touches it. */
  readonly take: () => D | null;
}

/** Mouse-up's share of the drag: the final box's decode, and its drawing when that is what is on screen. */
export interface LiveFinish<D> {
  readonly result: Promise<SegmentResult>;
  /** The final box's mask as drawn during the drag, now the caller's, with its decode (null: not on screen). */
  readonly onScreen: { readonly drawing: D; readonly result: SegmentResult } | null;
}

interface Decoded {
  readonly box: BoxCompleted;
  readonly result: SegmentResult;
}

const sameBox = (a: BoxCompleted, b: BoxCompleted) =>
  a.imageId === b.imageId && a.viewportId === b.viewportId && a.box.x0 === b.box.x0 && a.box.y0 === b.box.y0 && a.box.x1 === b.box.x1 && a.box.y1 === b.box.y1;

const copyBox = (b: Box): Box => ({ x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 });

/**
 * The mask follows the box while it is dragged (issue 13): the current box is decoded whenever the decoder is
 * free — at most one decode in flight, the newest box wins, boxes passed over are never decoded — and each
 * result is drawn under the box. On mouse-up, `finish` hands the controller the decode of the final box if
 * there is one (done or in flight), so a box that ended still costs no new decode, and the drawing of that
 * box, so that a mask already on screen is not erased and drawn again (each is a render).
 */
export class LiveMask<D = unknown> {
  private drag = 0;
  private latest: BoxCompleted | null = null;
  private inFlight: { box: BoxCompleted; promise: Promise<Decoded | null> } | null = null;
  private last: Decoded | null = null;
  /** The box whose mask is on screen (null: nothing drawn in this drag). */
  private drawnBox: BoxCompleted | null = null;
  private input: { key: string; value: Promise<Omit<SegmentRequest, 'box'>> } | null = null;
  /** Slices whose embedding a finished box computed (the background prefetch may be off). */
  private readonly embedded = new Set<string>();

  constructor(private readonly deps: LiveMaskDeps<D>) {}

  /** The tool's box moved. Never waits: the decode runs in the worker. */
  moved(box: BoxCompleted): void {
    if (!this.deps.active()) return;
    if (!this.embedded.has(box.imageId) && !this.deps.embeddingReady(box.viewportId, box.imageId)) return;
    if (this.latest && (this.latest.imageId !== box.imageId || this.latest.viewportId !== box.viewportId)) this.reset();
    this.latest = box;
    if (!this.inFlight) this.decodeLatest();
  }

  /**
   * Mouse-up: returns the decode of `box` when the drag produced or is producing it, else null (the controller
   * decodes as before). The live drawing is handed over when it shows `box`, else erased; the drag ends.
   */
  finish(box: BoxCompleted): LiveFinish<D> | null {
    const last = this.last;
    const inFlight = this.inFlight;
    const shown = last && this.drawnBox && sameBox(this.drawnBox, box) && sameBox(last.box, box) ? last : null;
    const drawing = shown ? this.deps.take() : null;
    if (drawing) this.drawnBox = null;
    this.reset();
    this.embedded.add(box.imageId);
    if (last && sameBox(last.box, box)) return { result: Promise.resolve(last.result), onScreen: shown && drawing ? { drawing, result: shown.result } : null };
    if (inFlight && sameBox(inFlight.box, box)) {
      const result = inFlight.promise.then((d) => {
        if (!d) throw new Error('the live decode of the final box failed');
        return d.result;
      });
      return { result, onScreen: null };
    }
    return null;
  }

  /** Ends a drag without a box (tool changed, mode left). */
  cancel(): void {
    this.reset();
  }

  private reset(): void {
    if (this.drawnBox) this.deps.erase();
    this.drawnBox = null;
    this.drag++;
    this.latest = null;
    this.last = null;
    this.inFlight = null;
    this.input = null;
  }

  private decodeLatest(): void {
    const box = this.latest;
    if (!box) return;
    this.latest = null;
    const drag = this.drag;
    const key = `${box.viewportId}\n${box.imageId}`;
    if (this.input?.key !== key) this.input = { key, value: this.deps.input(box.viewportId, box.imageId) };
    const input = this.input.value;
    const promise = (async (): Promise<Decoded | null> => {
      try {
        const slice = await input;
        // The worker takes the pixels (transferred): each request sends its own copy.
        const image = { ...slice.image, pixels: slice.image.pixels.slice() };
        const result = await this.deps.segment({ ...slice, image, box: copyBox(box.box) });
        return { box, result };
      } catch {
        return null; // a live decode that fails is only a missed frame; mouse-up reports errors
      }
    })();
    this.inFlight = { box, promise };
    void promise.then((decoded) => {
      if (drag !== this.drag) return; // the drag ended: finish() took or dropped it
      this.inFlight = null;
      if (decoded) {
        this.last = decoded;
        // A draw that cannot be made leaves the last one on screen (erased at the end of the drag).
        if (this.deps.draw(decoded.box, decoded.result)) this.drawnBox = decoded.box;
      }
      if (this.latest) this.decodeLatest();
    });
  }
}
