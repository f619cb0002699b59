// A DICOMweb PACS as a dataset source: QIDO-RS finds the SEG series, WADO-RS retrieves SEGs and source series.
// A PACS that is down, refuses the token or answers 5xx stops the run (it can be resumed); an object the PACS
// does not have (404) is that object's problem only.
import { getString, parseDicom } from '../../io/dicomDataset';
import { multipartBoundary, splitMultipart } from './multipart';
import { inDateRange, ObjectProblem, SourceUnavailableError, type DatasetSource, type SegRef, type StudyFilter } from './source';

interface QidoAttribute {
  readonly Value?: readonly unknown[];
}
type QidoResult = Record<string, QidoAttribute>;

const TAG = { study: '0020000D', series: '0020000E', sop: '00080018', date: '00080020' } as const;
const value = (r: QidoResult, tag: string) => {
  const v = r[tag]?.Value?.[0];
  return typeof v === 'string' ? v : undefined;
};

export interface DicomwebOptions {
  readonly url: string;
  readonly token?: string;
  /** Per request; default 60 s. */
  readonly timeoutMs?: number;
}

export function dicomwebSource(options: DicomwebOptions): DatasetSource {
  const base = options.url.replace(/\/+$/, '');
  const headers = (accept: string): Record<string, string> => ({ Accept: accept, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) });

  async function get(path: string, accept: string, what: string): Promise<Response | undefined> {
    const url = `${base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: headers(accept), signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : e instanceof Error ? `: ${e.message}` : '';
      throw new SourceUnavailableError(`the PACS at ${base} cannot be reached (${what}, ${url})${cause}`);
    }
    if (res.status === 404) return undefined;
    if (res.status === 401 || res.status === 403) throw new SourceUnavailableError(`the PACS at ${base} refused ${what} (HTTP ${res.status}): check --token`);
    if (!res.ok) throw new SourceUnavailableError(`the PACS at ${base} failed ${what} (HTTP ${res.status} ${res.statusText}, ${url})`);
    return res;
  }

  async function qido(path: string, what: string): Promise<QidoResult[]> {
    const res = await get(path, 'application/dicom+json', what);
    if (!res || res.status === 204) return [];
    const text = await res.text();
    if (text.trim() === '') return [];
    try {
      return JSON.parse(text) as QidoResult[];
    } catch {
      throw new SourceUnavailableError(`the PACS at ${base} answered ${what} with something that is not DICOM JSON`);
    }
  }

  async function instances(path: string, what: string): Promise<Uint8Array[] | undefined> {
    const res = await get(path, 'multipart/related; type="application/dicom"; transfer-syntax=*', what);
    if (!res) return undefined;
    const boundary = multipartBoundary(res.headers.get('content-type'));
    const body = new Uint8Array(await res.arrayBuffer());
    if (!boundary) throw new SourceUnavailableError(`the PACS at ${base} answered ${what} without a multipart boundary`);
    return splitMultipart(body, boundary);
  }

  return {
    description: `DICOMweb ${base}`,
    async findSegs(filter: StudyFilter): Promise<SegRef[]> {
      const query = new URLSearchParams({ Modality: 'SEG', includefield: '00080020' });
      if (filter.studyInstanceUID) query.set('StudyInstanceUID', filter.studyInstanceUID);
      if (filter.seriesInstanceUID) query.set('SeriesInstanceUID', filter.seriesInstanceUID);
      if (filter.dateFrom || filter.dateTo) query.set('StudyDate', `${filter.dateFrom ?? ''}-${filter.dateTo ?? ''}`);
      const series = await qido(`/series?${query}`, 'the search for SEG series');
      const refs: SegRef[] = [];
      for (const s of series) {
        const study = value(s, TAG.study);
        const seriesUid = value(s, TAG.series);
        if (!study || !seriesUid) continue;
        for (const i of await qido(`/studies/${study}/series/${seriesUid}/instances`, `the instance list of SEG series ${seriesUid}`)) {
          const sop = value(i, TAG.sop);
          if (!sop) continue;
          const studyDate = value(s, TAG.date) ?? value(i, TAG.date);
          // Some PACS ignore StudyDate on series queries: filter again here.
          if (!inDateRange(studyDate, filter)) continue;
          refs.push({ studyInstanceUID: study, seriesInstanceUID: seriesUid, sopInstanceUID: sop, ...(studyDate ? { studyDate } : {}), where: `${base}/studies/${study}/series/${seriesUid}/instances/${sop}` });
        }
      }
      return refs;
    },
    async readSeg(ref) {
      const parts = await instances(`/studies/${ref.studyInstanceUID}/series/${ref.seriesInstanceUID}/instances/${ref.sopInstanceUID}`, `SEG ${ref.sopInstanceUID}`);
      if (!parts?.length) throw new ObjectProblem(ref.where, 'the PACS no longer has this SEG');
      return parts[0];
    },
    async readSeries(study, series) {
      const out = new Map<string, Uint8Array>();
      const parts = await instances(`/studies/${study}/series/${series}`, `source series ${series}`);
      for (const part of parts ?? []) {
        try {
          const sop = getString(parseDicom(part).dataset, 'SOPInstanceUID');
          if (sop) out.set(sop, part);
        } catch {
          // An unparseable part is a missing instance: the SEG frame that needs it is reported by the caller.
        }
      }
      return out;
    },
  };
}
