// Where a SEG goes: the study's data source. A DICOMweb source is stored to with our own STOW-RS (see
// stowRs.ts for why); any other source that has store.dicom (e.g. a custom one) gets the bytes through it.
import type { DataSource, ExtensionManager, Services } from '../types/ohif';
import { SaveError } from './saveErrors';
import { stowRs, type StowResult } from './stowRs';

export type StoreObject = (bytes: Uint8Array, sopInstanceUID: string) => Promise<StowResult>;

export interface PacsTarget {
  /** What the panel names: the STOW-RS URL or the data source's kind. */
  readonly description: string;
  readonly store: StoreObject;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Errors of OHIF's dicomweb-client carry the XHR status (0: no connection). */
function fromClientError(e: unknown): SaveError {
  const status = typeof e === 'object' && e !== null ? (e as { status?: unknown }).status : undefined;
  const message = e instanceof Error ? e.message : String(e);
  if (status === 0 || status === 502 || status === 503) return new SaveError('PACS_UNREACHABLE', `${message} (HTTP ${String(status)})`);
  if (status === 401 || status === 403) return new SaveError('PACS_FORBIDDEN', `${message} (HTTP ${String(status)})`);
  return new SaveError('PACS_REFUSED', typeof status === 'number' ? `HTTP ${status}: ${message}` : message);
}

export function pacsTarget(extensionManager: ExtensionManager, services: Services, timeoutMs: number): PacsTarget {
  const dataSource: DataSource | undefined = extensionManager.getActiveDataSource()?.[0];
  if (!dataSource) throw new SaveError('NO_DATA_SOURCE', 'OHIF has no active data source');
  const config = dataSource.getConfig?.() ?? {};
  if (config.supportsStow === false) throw new SaveError('NO_DATA_SOURCE', 'the data source is configured with supportsStow: false');
  const root = text(config.stowRoot) ?? text(config.wadoRoot);
  if (root) {
    const url = `${root.replace(/\/+$/, '')}/studies`;
    return {
      description: url,
      store: (bytes, sopInstanceUID) => {
        const auth = services.userAuthenticationService?.getAuthorizationHeader?.()?.Authorization;
        return stowRs({ url, bytes, sopInstanceUID, timeoutMs, headers: auth ? { Authorization: auth } : {} });
      },
    };
  }
  const storeDicom = dataSource.store?.dicom?.bind(dataSource.store);
  if (!storeDicom) throw new SaveError('NO_DATA_SOURCE', 'the active data source can neither STOW-RS nor store.dicom');
  return {
    description: `data source ${text(config.name) ?? text(config.friendlyName) ?? ''}`.trim(),
    store: async (bytes) => {
      const copy = bytes.slice().buffer;
      try {
        await storeDicom(copy);
      } catch (e) {
        throw fromClientError(e);
      }
      return { status: 200 };
    },
  };
}
