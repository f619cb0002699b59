/**
 * Where the marked range lies along a viewport's slice scrollbar, as fractions of its track from the top: the
 * scrollbar runs from the first image of the viewport's list (top) to the last (bottom), one equal step per
 * image, so the band covers its images' steps. One mark alone is a band of one image.
 */
export function rangeBand(first: number | null, last: number | null, imageCount: number): { top: number; height: number } | null {
  const marked = [first, last].filter((k): k is number => k !== null && Number.isInteger(k) && k >= 0 && k < imageCount);
  if (imageCount < 2 || marked.length === 0) return null;
  const lo = Math.min(...marked);
  const hi = Math.max(...marked);
  return { top: lo / imageCount, height: (hi - lo + 1) / imageCount };
}
