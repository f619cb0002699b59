/** OpenCV's cvRound on x86 (SSE2 cvtsd2si): nearest integer, ties to even. */
export function cvRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** saturate_cast<uchar>(float or double): cvRound, then clamp to [0, 255]. */
export function saturateUint8(x: number): number {
  const r = cvRound(x);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
