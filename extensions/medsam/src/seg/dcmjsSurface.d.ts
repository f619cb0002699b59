// The part of dcmjs 0.52 (untyped) that the SEG writer/reader uses. core/src/io/dcmjs.d.ts already declares
// the 'dcmjs' module with a narrower `data`; TypeScript cannot re-declare that const, so part10.ts casts the
// module to DcmjsModule once instead of declaring it again.

/** One element of a dcmjs dictionary keyed by "GGGGEEEE". */
export interface DcmjsElement {
  vr: string;
  Value?: unknown[];
}

export type DcmjsDict = Record<string, DcmjsElement>;

export interface DcmjsNameEntry {
  tag: string;
  vr: string;
  vm: string;
  name: string;
}

export interface DcmjsDicomDict {
  meta: DcmjsDict;
  dict: DcmjsDict;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}

export interface DcmjsData {
  DicomDict: new (meta: DcmjsDict) => DcmjsDicomDict;
  DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean }): { meta: DcmjsDict; dict: DcmjsDict };
  };
  DicomMetaDictionary: {
    /** Keyword → dictionary entry ("PixelData" → { tag: "(7FE0,0010)", vr: "ox", ... }). */
    nameMap: Record<string, DcmjsNameEntry | undefined>;
    naturalizeDataset(dict: DcmjsDict): Record<string, unknown>;
    denaturalizeDataset(dataset: Record<string, unknown>): DcmjsDict;
  };
}

export interface DcmjsLogger {
  getLevel(): number;
  setLevel(level: number | 'silent', persist?: boolean): void;
  getLogger(name: string): DcmjsLogger;
}

export interface DcmjsModule {
  data: DcmjsData;
  log: DcmjsLogger;
}
