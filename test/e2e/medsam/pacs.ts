// Asking Orthanc directly (not through the viewer) what it holds: QIDO-RS for SEG series and their instances,
// and the stored Part 10 file through its REST API.
export interface SegSeriesEntry {
  seriesInstanceUID: string;
  seriesNumber: number | undefined;
  description: string;
  instances: string[];
}

type DicomJson = Record<string, { Value?: unknown[] } | undefined>;
const first = (ds: DicomJson, tag: string) => ds[tag]?.Value?.[0];

async function json(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, headers: { Accept: 'application/dicom+json, application/json', ...(init?.headers ?? {}) } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : [];
}

/** Every SEG series of the study in Orthanc, with its SOP instance UIDs. */
export async function segSeriesInPacs(orthancUrl: string, studyUid: string): Promise<SegSeriesEntry[]> {
  const series = (await json(`${orthancUrl}/dicom-web/studies/${studyUid}/series?Modality=SEG`)) as DicomJson[];
  return Promise.all(
    series.map(async (s) => {
      const seriesUid = String(first(s, '0020000E'));
      const instances = (await json(`${orthancUrl}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances`)) as DicomJson[];
      return {
        seriesInstanceUID: seriesUid,
        seriesNumber: first(s, '00200011') === undefined ? undefined : Number(first(s, '00200011')),
        description: String(first(s, '0008103E') ?? ''),
        instances: instances.map((i) => String(first(i, '00080018'))),
      };
    }),
  );
}

/** The stored instance, byte for byte as Orthanc keeps it. */
export async function fetchInstanceFile(orthancUrl: string, sopInstanceUid: string): Promise<Uint8Array> {
  const found = (await json(`${orthancUrl}/tools/lookup`, { method: 'POST', body: sopInstanceUid })) as { ID: string; Type: string }[];
  const instance = found.find((f) => f.Type === 'Instance');
  if (!instance) throw new Error(`Orthanc has no instance ${sopInstanceUid}`);
  const res = await fetch(`${orthancUrl}/instances/${instance.ID}/file`);
  if (!res.ok) throw new Error(`instance file: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
