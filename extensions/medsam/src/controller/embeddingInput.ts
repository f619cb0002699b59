import type { NormalizationSpec, SourceImage } from '@medsam-ohif/core';
import type { NormalizationPolicy } from '../image/normalizationPolicy';
import type { DisplaySet, Services } from '../types/ohif';
import { GlueError } from '../utils/plainError';
import type { ImageRef } from '../worker/protocol';

export interface EmbeddingInputDeps {
  readonly services: Services;
  readonly policy: NormalizationPolicy;
  readonly readImage: (imageId: string) => Promise<{ image: SourceImage; ref: ImageRef }>;
}

export interface EmbeddingInput {
  readonly image: SourceImage;
  readonly ref: ImageRef;
  readonly normalization: NormalizationSpec;
  readonly displaySet: DisplaySet;
}

/** The series (display set) of an image shown in a viewport. */
export function displaySetFor(services: Services, viewportId: string, imageId: string): DisplaySet {
  const { viewportGridService, displaySetService } = services;
  const uids = viewportGridService.getDisplaySetsUIDsForViewport(viewportId) ?? [];
  const displaySets = uids.map((uid) => displaySetService.getDisplaySetByUID(uid)).filter((d): d is DisplaySet => !!d);
  const match = displaySets.find((d) => d.imageIds?.includes(imageId)) ?? displaySets[0];
  if (!match) throw new GlueError('NO_IMAGE', `viewport ${viewportId} shows no series`);
  return match;
}

/** What the worker needs to embed an image: its pixels, identity and normalisation (shared by boxes and prefetch). */
export async function embeddingInput(deps: EmbeddingInputDeps, viewportId: string, imageId: string): Promise<EmbeddingInput> {
  const displaySet = displaySetFor(deps.services, viewportId, imageId);
  const { image, ref } = await deps.readImage(imageId);
  const normalization = await deps.policy.specFor(image, { key: displaySet.displaySetInstanceUID, imageIds: displaySet.imageIds ?? [imageId] });
  return { image, ref, normalization, displaySet };
}
