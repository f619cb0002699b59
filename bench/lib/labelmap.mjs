// The last stage of the loop: the mask written into the viewer's labelmap. Here a plain typed-array write
// into a Uint8Array of the image size (what cornerstone's labelmap voxel data is for one slice), without
// cornerstone's voxel manager around it.

export function createLabelmap(rows, columns) {
  return new Uint8Array(rows * columns);
}

/** Sets `segment` where the mask is 1, clears it where the mask is 0 and the labelmap held this segment. */
export function writeMask(labelmap, mask, segment = 1) {
  const src = mask.data;
  for (let i = 0; i < src.length; i++) {
    if (src[i]) labelmap[i] = segment;
    else if (labelmap[i] === segment) labelmap[i] = 0;
  }
}
