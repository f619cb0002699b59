// The small part of dcmjs 0.52 (untyped) that core/src/io uses. Extend here rather than declaring the module
// a second time elsewhere: TypeScript merges ambient module declarations and duplicate exports collide.
declare module 'dcmjs' {
  /** One element of an un-naturalised dataset, keyed by its 8-hex-digit tag ("7FE00010"). */
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
  }

  export type DcmjsDict = Record<string, DcmjsElement>;

  export interface DcmjsDicomDict {
    meta: DcmjsDict;
    dict: DcmjsDict;
  }

  export interface DcmjsReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export interface DcmjsLogger {
    getLevel(): number;
    setLevel(level: number | 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent', persist?: boolean): void;
    getLogger(name: string): DcmjsLogger;
  }

  export const data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: DcmjsReadOptions): DcmjsDicomDict;
    };
    DicomMetaDictionary: {
      /** Keyword-keyed view ("PixelData", "Rows" ...); sequences become arrays of naturalised objects. */
      naturalizeDataset(dict: DcmjsDict): Record<string, unknown>;
    };
  };

  export const log: DcmjsLogger;

  const dcmjs: { data: typeof data; log: typeof log };
  export default dcmjs;
}
