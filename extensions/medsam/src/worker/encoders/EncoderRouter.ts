import { MedSamError, type NormalizationSpec, type SourceImage } from '@medsam-ohif/core';
import type { EncoderBackend } from '../../config';
import type { EncoderStatus } from '../protocol';
import { cancelled } from '../WorkerError';
import type { ServiceProducer } from './serviceEncoder';
import { serviceError, stoppedAnswering } from './serviceFailure';
import type { ComputedEmbedding, EmbeddingProducer, Report } from './types';

export interface RoutedEmbedding extends ComputedEmbedding {
  /** "auto" fell back to the browser for this image: why, in plain words. */
  readonly fallback?: string;
}

export interface RouterOptions {
  readonly backend: EncoderBackend;
  readonly browser: EmbeddingProducer;
  readonly service: ServiceProducer | null;
  /** Called whenever the status changes (a fallback, a recovery). */
  readonly onStatus?: (status: EncoderStatus) => void;
  /** How long "auto" leaves a failed service alone before asking it again. */
  readonly retryMs?: number;
  readonly clock?: () => number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The encoder backend choice. "browser": the worker's own session. "service": the inference service only;
 * if it goes away, the request fails with SERVICE_UNAVAILABLE (never a mask from elsewhere). "auto": the
 * service while it answers; when it fails, this image is embedded in the browser, the status says why, and
 * the service is asked again (readiness first) after `retryMs`.
 */
export class EncoderRouter {
  private active: 'browser' | 'service';
  private note: string | null = null;
  private retryAt = 0;
  private readonly clock: () => number;
  private readonly retryMs: number;

  constructor(private readonly o: RouterOptions) {
    this.clock = o.clock ?? Date.now;
    this.retryMs = o.retryMs ?? 30_000;
    this.active = o.backend !== 'browser' && o.service ? 'service' : 'browser';
    if (o.backend === 'auto' && !o.service) this.note = 'no embedding service is configured: embeddings are computed in this browser';
  }

  status(): EncoderStatus {
    return { backend: this.o.backend, active: this.active, ...(this.o.service ? { serviceUrl: this.o.service.url } : {}), note: this.note };
  }

  /** At model load: "service" fails when the service is not ready; "auto" chooses. */
  async start(signal?: AbortSignal): Promise<EncoderStatus> {
    const service = this.o.service;
    if (this.o.backend === 'service' && !service) {
      throw new MedSamError('MODEL_UNAVAILABLE', 'the "service" encoder backend needs medsam.embeddingServiceUrl in the viewer configuration');
    }
    if (this.o.backend === 'browser' || !service) return this.status();
    try {
      await service.checkReady(signal);
      this.setActive('service', null);
    } catch (e) {
      if (this.o.backend === 'service') throw serviceError(e, signal);
      this.markDown(`the embedding service is not available (${message(e)}): embeddings are computed in this browser`);
    }
    return this.status();
  }

  async embed(image: SourceImage, normalization: NormalizationSpec, signal: AbortSignal | undefined, report: Report): Promise<RoutedEmbedding> {
    const { backend, browser, service } = this.o;
    if (backend === 'browser' || !service) return browser.embed(image, normalization, signal, report);
    if (backend === 'service') {
      try {
        const result = await service.embed(image, normalization, signal, report);
        this.setActive('service', null);
        return result;
      } catch (e) {
        const error = serviceError(e, signal);
        // The status line says so too, until the service answers again.
        if ((error as { code?: string }).code === 'SERVICE_UNAVAILABLE') this.setActive('service', error.message);
        throw error;
      }
    }
    // auto: colour images have no compact form; they stay in the browser without blaming the service.
    if (image.samplesPerPixel !== 1) return browser.embed(image, normalization, signal, report);
    if (this.active === 'browser' && !(await this.serviceBack(signal))) return browser.embed(image, normalization, signal, report);
    try {
      const result = await service.embed(image, normalization, signal, report);
      this.setActive('service', null);
      return result;
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      const why = `${stoppedAnswering(e)}: this image was embedded in the browser instead`;
      this.markDown(why);
      return { ...(await browser.embed(image, normalization, signal, report)), fallback: why };
    }
  }

  /** After a failure, "auto" asks again once `retryMs` passed, and only if the readiness check answers. */
  private async serviceBack(signal: AbortSignal | undefined): Promise<boolean> {
    if (this.clock() < this.retryAt || !this.o.service) return false;
    try {
      await this.o.service.checkReady(signal);
      return true;
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      this.retryAt = this.clock() + this.retryMs;
      return false;
    }
  }

  private markDown(note: string): void {
    this.retryAt = this.clock() + this.retryMs;
    this.setActive('browser', note);
  }

  private setActive(active: 'browser' | 'service', note: string | null): void {
    if (active === this.active && note === this.note) return;
    this.active = active;
    this.note = note;
    this.o.onStatus?.(this.status());
  }
}
