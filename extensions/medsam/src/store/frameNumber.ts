/** DICOMweb imageIds end in /frames/N; wadouri ones carry frame=N (both 1-based in cornerstone 3D). */
export function frameNumberOf(imageId: string): number | undefined {
  const m = /\/frames\/(\d+)(?:[/?#]|$)/.exec(imageId) ?? /[?&]frame=(\d+)/.exec(imageId);
  return m ? Number(m[1]) : undefined;
}
