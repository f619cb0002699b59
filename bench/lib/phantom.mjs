// A synthetic CT slice (HU, int16) with a few organ-like ellipses, and boxes around them. Deterministic,
// any size, runs in Node and in the browser. Not a real image: content does not change the cost of any
// stage except the labelmap write, which only depends on the mask's area.

/** Ellipses in fractions of the image: [cx, cy, rx, ry, HU]; later ones paint over earlier ones. */
const ORGANS = [
  [0.5, 0.5, 0.42, 0.34, -90], // body (fat)
  [0.5, 0.5, 0.38, 0.3, 40], // soft tissue
  [0.33, 0.45, 0.12, 0.1, 60], // liver-like
  [0.68, 0.47, 0.06, 0.05, 30], // kidney-like
  [0.5, 0.66, 0.05, 0.05, 700], // vertebra
  [0.55, 0.38, 0.07, 0.05, -800], // gas
];

/** Small LCG: reproducible noise without Math.random. */
function noise(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** One slice of the phantom; `slice` shifts the organs a little so consecutive slices differ. */
export function phantomSlice(size, slice = 0) {
  const pixels = new Int16Array(size * size).fill(-1000);
  const rand = noise(1 + slice);
  const grow = 1 + 0.15 * Math.sin(slice / 7);
  for (const [cx, cy, rx, ry, hu] of ORGANS) {
    const x0 = cx * size;
    const y0 = cy * size;
    const ax = rx * size * grow;
    const ay = ry * size * grow;
    for (let y = Math.max(0, Math.floor(y0 - ay)); y < Math.min(size, Math.ceil(y0 + ay)); y++) {
      for (let x = Math.max(0, Math.floor(x0 - ax)); x < Math.min(size, Math.ceil(x0 + ax)); x++) {
        const dx = (x - x0) / ax;
        const dy = (y - y0) / ay;
        if (dx * dx + dy * dy <= 1) pixels[y * size + x] = hu;
      }
    }
  }
  for (let i = 0; i < pixels.length; i++) if (pixels[i] > -1000) pixels[i] += Math.round(rand() * 20);
  return { rows: size, columns: size, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' };
}

/** `count` boxes (x0, y0, x1, y1 in pixels) around the organs, cycling through them with a little jitter. */
export function phantomBoxes(size, count) {
  const rand = noise(12345);
  const targets = ORGANS.slice(2);
  const boxes = [];
  for (let i = 0; i < count; i++) {
    const [cx, cy, rx, ry] = targets[i % targets.length];
    const j = () => 1 + 0.2 * rand();
    boxes.push({
      x0: (cx - rx * j()) * size,
      y0: (cy - ry * j()) * size,
      x1: (cx + rx * j()) * size,
      y1: (cy + ry * j()) * size,
    });
  }
  return boxes;
}
