// A real PACS for integration tests: Debian's Orthanc with its DICOMweb plugin on a free loopback port, with its
// own storage under the test's folder (config/system-packages.txt installs both).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ORTHANC = '/usr/sbin/Orthanc';
export const ORTHANC_DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface PrivateOrthanc {
  /** REST root, e.g. http://127.0.0.1:PORT */
  readonly base: string;
  /** DICOMweb root (QIDO-RS / WADO-RS / STOW-RS) */
  readonly dicomweb: string;
  /** Stores every .dcm file under `folder` (recursively) through the REST API; fails naming the file refused. */
  storeFolder(folder: string): Promise<number>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export function dicomFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? dicomFiles(join(dir, e.name)) : e.name.endsWith('.dcm') ? [join(dir, e.name)] : []));
}

/** Starts Orthanc with its storage in `work`/db; resolves once its REST API answers (or throws after 20 s). */
export async function startPrivateOrthanc(work: string, name = 'medsam-test'): Promise<PrivateOrthanc> {
  const port = await freePort();
  const config = join(work, 'orthanc.json');
  mkdirSync(join(work, 'db'), { recursive: true });
  writeFileSync(config, JSON.stringify({ Name: name, StorageDirectory: join(work, 'db'), IndexDirectory: join(work, 'db'), HttpPort: port, DicomServerEnabled: false, RemoteAccessAllowed: false, AuthenticationEnabled: false, Plugins: [ORTHANC_DICOMWEB_PLUGIN], DicomWeb: { Enable: true, Root: '/dicom-web/' } }));
  const orthanc: ChildProcess = spawn(ORTHANC, [config], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (orthanc.exitCode === null && orthanc.signalCode === null) await new Promise((resolve) => orthanc.once('exit', resolve).kill('SIGTERM'));
  };
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/system`).then((r) => r.ok, () => false)) break;
    if (i === 200 || orthanc.exitCode !== null) {
      await stop();
      throw new Error(`Orthanc (${ORTHANC}) did not answer on ${base} within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dicomweb: `${base}/dicom-web`,
    async storeFolder(folder) {
      const files = dicomFiles(folder);
      for (const file of files) {
        const res = await fetch(`${base}/instances`, { method: 'POST', headers: { 'Content-Type': 'application/dicom' }, body: readFileSync(file) });
        if (!res.ok) throw new Error(`Orthanc refused ${file}: HTTP ${res.status}`);
      }
      return files.length;
    },
    stop,
  };
}
