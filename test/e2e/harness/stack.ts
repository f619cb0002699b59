// The demo stack (Orthanc + sample data + viewer server) in a child process: jest cannot import the ES-module
// scripts, and a separate process keeps the proxy off the test's event loop. Commands go over Node's IPC.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
const stackScript = path.join(repoRoot, 'scripts/demo/stack.mjs');

export interface SampleFile {
  path: string;
  patientId: string;
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  modality: string;
  studyDescription: string;
  patientName: string;
}

export interface SampleStudy {
  studyUid: string;
  description: string;
  modality: string;
  patientName: string;
  files: SampleFile[];
}

export interface SampleManifest {
  ctPhantomDir: string;
  mrCh2Dir: string;
  studies: SampleStudy[];
}

export interface StackOptions {
  /** false: the stock viewer, no MedSAM extension/mode in app-config.js. */
  withBundles?: boolean;
  /** Explicit app-config.js text (wins over withBundles). */
  appConfigJs?: string;
  /** Viewer port; 0 (default) = any free port. */
  port?: number;
  /** Extra static folders on the viewer's origin, e.g. { prefix: '/fixtures/', dir }. */
  mounts?: Array<{ prefix: string; dir: string }>;
  /** Where the child's log goes (default: not kept). */
  logFile?: string;
  /** Run the embedding service on this manifest, or these (one endpoint, each model under its manifest's name), proxied at /v2/ on the viewer's origin. */
  embeddingService?: { manifest: string; threads?: number } | { manifests: string[]; threads?: number };
  /** The prebuilt @ohif/app to serve (default MEDSAM_OHIF_VERSION, else 3.13.2; scripts/demo/paths.mjs). */
  ohifVersion?: string;
}

export interface Stack {
  url: string;
  orthancUrl: string;
  manifest: SampleManifest;
  modelManifestUrl: string;
  timings: Record<string, number>;
  /** The embedding service's own loopback URL (null without one). */
  embeddingServiceUrl: string | null;
  /**
   * Arms a kill: the service gets SIGKILL right after the next inference request has reached it in full
   * (a request in flight). Resolves once it is dead; the viewer's proxy then answers that request 502.
   */
  killEmbeddingsOnNextInfer(): Promise<void>;
  /** Starts the service again (a new port; the proxy follows). */
  restartEmbeddings(): Promise<void>;
  /** Take the PACS away (the proxy then answers 502) and bring it back with the same storage and port. */
  stopOrthanc(): Promise<void>;
  restartOrthanc(): Promise<void>;
  stop(): Promise<void>;
}

export const CT_PHANTOM = 'MedSAM demo: CT phantom';
export const MR_CH2 = 'MedSAM demo: MR ch2';

export function findStudy(manifest: SampleManifest, description: string): SampleStudy {
  const study = manifest.studies.find((s) => s.description === description);
  if (!study) throw new Error(`no sample study "${description}"`);
  return study;
}

interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

function rpc(child: ChildProcess) {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  child.on('message', (msg: Reply) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg);
    else p.reject(new Error(msg.error));
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`stack process exited (code ${code}, signal ${signal})`));
    pending.clear();
  });
  return (cmd: string, options?: object) =>
    new Promise<Reply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, options });
    });
}

/** Start the stack; the first call on a machine also fetches the viewer and builds the samples (~20 s). */
export async function startStack({ logFile, ohifVersion, ...options }: StackOptions = {}): Promise<Stack> {
  // Through the child's environment: jest's process.env is the test's own copy, not the process's.
  const env = { ...process.env, ...(ohifVersion ? { MEDSAM_OHIF_VERSION: ohifVersion } : {}) };
  const child = fork(stackScript, [], { execArgv: [], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let log: fs.WriteStream | undefined;
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    log = fs.createWriteStream(logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  const call = rpc(child);
  let started: Reply;
  try {
    started = await call('start', options);
  } catch (err) {
    child.kill();
    throw err;
  }
  const stack: Stack = {
    url: started.url as string,
    embeddingServiceUrl: (started.embeddingServiceUrl as string | null) ?? null,
    killEmbeddingsOnNextInfer: async () => {
      await call('embeddings.killOnNextInfer');
      stack.embeddingServiceUrl = null;
    },
    restartEmbeddings: async () => {
      stack.embeddingServiceUrl = (await call('embeddings.restart')).embeddingServiceUrl as string;
    },
    orthancUrl: started.orthancUrl as string,
    manifest: started.manifest as SampleManifest,
    modelManifestUrl: started.modelManifestUrl as string,
    timings: started.timings as Record<string, number>,
    stopOrthanc: async () => void (await call('orthanc.stop')),
    restartOrthanc: async () => void (await call('orthanc.restart')),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        await call('stop').catch(() => child.kill());
        await exited;
      }
      log?.end();
    },
  };
  return stack;
}
