import { percentileBounds, type CtWindowPreset, type IntensityWindow, type NormalizationChoice, type NormalizationSpec, type SourceImage } from '@medsam-ohif/core';

export type CtWindowSetting = CtWindowPreset | IntensityWindow;

/** What an image needs: RGB as is, CT through the window, anything else by percentiles over its series. */
export function normalizationKind(image: Pick<SourceImage, 'modality' | 'samplesPerPixel'>): 'rgb' | 'ct-window' | 'percentile' {
  if (image.samplesPerPixel === 3) return 'rgb';
  return image.modality.toUpperCase() === 'CT' ? 'ct-window' : 'percentile';
}

export function ctWindowSpec(setting: CtWindowSetting): NormalizationSpec {
  return typeof setting === 'string' ? { kind: 'ct-window', preset: setting } : { kind: 'ct-window', window: setting };
}

/**
 * Chooses the normalisation for an image of a series: by the image ("auto") or the one rule the deployment
 * set. Percentile bounds are those of the whole series (MedSAM's reference does this per volume), computed
 * once per series and remembered.
 */
export class NormalizationPolicy {
  private readonly seriesBounds = new Map<string, Promise<IntensityWindow>>();

  constructor(
    private readonly ctWindow: CtWindowSetting,
    private readonly loadSeriesImage: (imageId: string) => Promise<SourceImage>,
    private readonly rule: NormalizationChoice = 'auto',
  ) {}

  async specFor(image: SourceImage, series: { readonly key: string; readonly imageIds: readonly string[] }): Promise<NormalizationSpec> {
    switch (this.rule) {
      case 'none':
        return { kind: 'none' };
      case 'ct':
        return ctWindowSpec(this.ctWindow);
      case 'percentile':
        return { kind: 'percentile', bounds: await this.boundsOf(series) };
      case 'auto':
        break;
    }
    switch (normalizationKind(image)) {
      case 'rgb':
        return { kind: 'rgb' };
      case 'ct-window':
        return ctWindowSpec(this.ctWindow);
      case 'percentile':
        return { kind: 'percentile', bounds: await this.boundsOf(series) };
    }
  }

  private boundsOf(series: { readonly key: string; readonly imageIds: readonly string[] }): Promise<IntensityWindow> {
    let bounds = this.seriesBounds.get(series.key);
    if (!bounds) {
      bounds = Promise.all(series.imageIds.map(this.loadSeriesImage)).then(percentileBounds);
      bounds.catch(() => this.seriesBounds.delete(series.key));
      this.seriesBounds.set(series.key, bounds);
    }
    return bounds;
  }
}
