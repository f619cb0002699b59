// A private Orthanc (Debian's 1.10 + DICOMweb plugin) for the demo and the e2e tests: its own config,
// storage and port, no DICOM port, loopback only, no auth. `restart()` keeps storage and port so tests can
// take the PACS away and bring it back (fault injection for the DICOM-SEG store).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pickPort } from './ports.mjs';

export const ORTHANC_BIN = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
export const DEFAULT_ORTHANC_PORT = 18042;

function orthancConfig(dir, port, name) {
  return {
    Name: name,
    StorageDirectory: path.join(dir, 'db'),
    IndexDirectory: path.join(dir, 'db'),
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    SaveJobs: false,
    Plugins: [DICOMWEB_PLUGIN],
    // No "Host": the plugin then builds absolute URLs (RetrieveURL) from the request's Host header, which
    // our proxy passes through, so they point at the viewer's origin without any rewriting.
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true, WadoRoot: '/wado', Ssl: false },
  };
}

// `name` tells our Orthanc from another one that won a race for the same port.
async function waitForSystem(url, name, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  const onExit = (code, signal) => { exited = { code, signal }; };
  child.once('exit', onExit);
  try {
    while (Date.now() < deadline) {
      if (exited) break;
      try {
        const res = await fetch(`${url}/system`, { signal: AbortSignal.timeout(1000) });
        const system = res.ok ? await res.json() : null;
        if (system?.Name === name) return system;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = await fs.readFile(logFile, 'utf8').catch(() => '');
    const why = exited ? `exited (code ${exited.code}, signal ${exited.signal})` : `did not answer in ${timeoutMs} ms`;
    throw new Error(`Orthanc ${why}; last log lines:\n${log.split('\n').slice(-15).join('\n')}`);
  } finally {
    child.off('exit', onExit);
  }
}

function stopChild(child, timeoutMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}

/**
 * Start Orthanc with its state in `dir` (created if needed). Returns { url, port, dir, stop(), restart(),
 * isRunning() }. `port` is a wish: a busy port (or 0) gives a free one (see `port` in the result).
 */
export async function startOrthanc({ dir, port = DEFAULT_ORTHANC_PORT, timeoutMs = 20000, quiet = true } = {}) {
  if (!dir) throw new Error('startOrthanc: dir is required');
  const chosen = await pickPort(port);
  const logDir = path.join(dir, 'log');
  await fs.mkdir(logDir, { recursive: true });
  const configFile = path.join(dir, 'orthanc.json');
  const name = `medsam-pacs-${randomBytes(4).toString('hex')}`;
  await fs.writeFile(configFile, JSON.stringify(orthancConfig(dir, chosen, name), null, 2));
  const url = `http://127.0.0.1:${chosen}`;
  let child = null;

  async function launch() {
    child = spawn(ORTHANC_BIN, [configFile, `--logdir=${logDir}`], { stdio: quiet ? 'ignore' : 'inherit' });
    // Orthanc.log is Orthanc's link to the newest of its timestamped logs.
    await waitForSystem(url, name, child, path.join(logDir, 'Orthanc.log'), timeoutMs);
  }

  await launch();
  return {
    url,
    port: chosen,
    dir,
    isRunning: () => !!child && child.exitCode === null && child.signalCode === null,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      await launch();
    },
  };
}

/** Orthanc's own instance id: SHA-1 of "PatientID|StudyUID|SeriesUID|SOPUID" in 5 dash-separated groups. */
export function orthancInstanceId({ patientId, studyUid, seriesUid, sopUid }) {
  const hex = createHash('sha1').update(`${patientId}|${studyUid}|${seriesUid}|${sopUid}`).digest('hex');
  return hex.match(/.{8}/g).join('-');
}

/**
 * Upload DICOM files with REST `POST /instances`. `files` are paths or { path, ...uids }; entries whose
 * Orthanc id is already stored are skipped (needs the uids, see orthancInstanceId). Returns counts.
 */
export async function uploadInstances(url, files, { concurrency = 4 } = {}) {
  const stored = new Set(await (await fetch(`${url}/instances`)).json());
  const todo = [];
  let skipped = 0;
  for (const f of files) {
    const entry = typeof f === 'string' ? { path: f } : f;
    if (entry.sopUid && stored.has(orthancInstanceId(entry))) skipped++;
    else todo.push(entry.path);
  }
  let next = 0;
  let uploaded = 0;
  async function worker() {
    while (next < todo.length) {
      const file = todo[next++];
      const body = await fs.readFile(file);
      const res = await fetch(`${url}/instances`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/dicom' },
        body,
      });
      if (!res.ok) throw new Error(`Orthanc refused ${file}: HTTP ${res.status} ${await res.text()}`);
      uploaded++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return { uploaded, skipped };
}
