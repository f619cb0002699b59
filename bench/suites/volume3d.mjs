// A 3D propagation (MedSAM's 3D box over `slices` slices of the synthetic phantom, the project's own
// segmentBox3D / runWalkPlan) with and without encoder/decoder overlap, in one process, the ways alternating:
//   local       encoder and decoder on this thread (they take turns: onnxruntime blocks the thread it runs on)
//   thread      the encoder (and the slice's preparation) in a worker thread (runtimes/encoderThread.ts, what
//               `segment3d --pipeline` runs), lookahead 1; the Node stand-in for a second browser worker
//   service     embeddings from the embedding service (server/), decoder here; lookahead 0 (one after the
//               other) or 1 (the next slice's request on the wire while this one decodes). Requests go one
//               at a time, as the extension's worker sends them (its embedding lane).
// For each run: slices per second, and the wall time against N × max(encoder, decoder) (the pipelined bound)
// and N × (encoder + decoder) (the unpipelined one), from the per-slice times measured in the same run
// (encoder = preparation + run; for the service, the request's round trip; decoder = decodeModelBox).
// Also the CPU time per slice (this process with its threads, plus the service's process): on a machine whose
// cores are all busy, wall time follows the CPU share a process gets, so CPU per slice says what overlap can
// give on a quiet machine (wall ≥ CPU ÷ cores).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childMain, progress } from '../lib/child.mjs';
import { phantomBoxes, phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, loadOip } from '../lib/project.mjs';
import { figure, now, row } from '../lib/rows.mjs';
import { startService } from '../lib/serviceProcess.mjs';

const threadScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '../lib/encoderThreadEntry.cjs');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** CPU milliseconds (user + system) of this process and its threads, plus those of `pid` (Linux /proc). */
function cpuMs(pid) {
  const own = process.cpuUsage();
  let other = 0;
  if (pid) {
    // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    other = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }
  return (own.user + own.system) / 1000 + other;
}

/** The client sends the compact uint8 image, as the extension's service path does (serviceEncoder.ts). */
function compactManifest(manifest) {
  if (manifest.encoder.inputFormat === 'uint8-hw') return manifest;
  return { ...manifest, encoder: { ...manifest.encoder, inputFormat: 'uint8-hw', inputs: { image: 'image_u8' } } };
}

/** One request at a time, in call order (the worker's embedding lane); → its own time, queue excluded. */
function oneAtATime() {
  let tail = Promise.resolve();
  return (fn) => {
    const run = tail.then(async () => {
      const t = now();
      const value = await fn();
      return { value, ms: now() - t };
    });
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function run({ model, backend, threads, size, slices, warmupSlices = 3, ways, rounds = 1 }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  const images = Array.from({ length: slices }, (_, k) => phantomSlice(size, k));
  const [b] = phantomBoxes(size, 1); // the liver-like organ
  const box = { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 };
  const spec = { kind: 'ct', window: { lower: -500, upper: 1000 } };
  const shape = { transform: core.modelInputTransform(manifest.profile, manifest.inputSize, size, size), sliceCount: slices };
  const source = core.nodeModelSource(model.manifest);
  const runtime = await core.createNodeBackend(backend, threads);
  const decoder = await core.loadModelPart(manifest, 'decoder', source, runtime);

  // Each way: embed(slice) → { embedding, prepared, encoderMs }; the walk's lookahead.
  const makers = {
    local: async () => {
      const session = await core.loadModelPart(manifest, 'encoder', source, runtime);
      const encoder = core.sessionEncoder(session, manifest);
      return {
        lookahead: 0,
        embed: async (k) => {
          const t = now();
          const prepared = core.prepareImage(images[k], manifest, spec);
          const embedding = await encoder.encode(prepared);
          return { embedding, prepared, encoderMs: now() - t };
        },
        close: () => session.release(),
      };
    },
    thread: async () => {
      const thread = await core.startEncoderThread(threadScript, { manifestPath: model.manifest, backend, threads });
      return {
        lookahead: 1,
        embed: async (k) => {
          const r = await thread.embed(images[k], spec);
          return { embedding: r.embedding, prepared: r.prepared, encoderMs: r.runMs + Object.values(r.prepared.timings).reduce((a, c) => a + c, 0) };
        },
        close: () => thread.close(),
      };
    },
  };
  let service = null;
  const serviceWay = (lookahead) => async () => {
    if (!service) {
      service = await startService(model.manifest, ['--timeout-ms', '600000']);
      progress(`${model.key}: embedding service on ${service.url}`);
    }
    const client = compactManifest(manifest);
    const oip = loadOip().oipEncoder({ url: service.url, output: 'FP16', timeoutMs: 600_000 }, client);
    await oip.checkReady();
    const lane = oneAtATime();
    return {
      lookahead,
      embed: async (k) => {
        const { value, ms } = await lane(async () => {
          const prepared = core.prepareImage(images[k], client, spec);
          return { prepared, embedding: await oip.encode(prepared) };
        });
        return { ...value, encoderMs: ms };
      },
      close: async () => undefined,
    };
  };
  makers['service-sequential'] = serviceWay(0);
  makers['service-lookahead'] = serviceWay(1);

  const opened = {};
  for (const way of ways) opened[way] = await makers[way]();
  const at = { suite: 'volume3d', model: model.key, size, backend, threads, slices };
  const rows = [];
  const samples = Object.fromEntries(ways.map((w) => [w, { total: [], perSecond: [], vsPipelined: [], vsUnpipelined: [], encoder: [], decoder: [], cpu: [] }]));
  try {
    // One short warm-up walk per way (sessions, V8's WASM tiers, the service's first request).
    for (const way of ways) await walk(core, opened[way], decoder, manifest, shape, box, Math.min(warmupSlices, slices));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ways : [...ways].reverse();
      for (const way of order) {
        const pid = way.startsWith('service') ? service?.pid : undefined;
        const cpu0 = cpuMs(pid);
        const m = await walk(core, opened[way], decoder, manifest, shape, box, slices);
        const cpu = (cpuMs(pid) - cpu0) / slices;
        const s = samples[way];
        const enc = mean(m.encoderMs);
        const dec = mean(m.decoderMs);
        s.total.push(m.totalMs);
        s.perSecond.push((slices * 1000) / m.totalMs);
        s.vsPipelined.push(m.totalMs / (slices * Math.max(enc, dec)));
        s.vsUnpipelined.push(m.totalMs / (slices * (enc + dec)));
        s.encoder.push(...m.encoderMs);
        s.decoder.push(...m.decoderMs);
        s.cpu.push(cpu);
        progress(`${model.key} ${way} (round ${r + 1}): ${((slices * 1000) / m.totalMs).toFixed(2)} slices/s; encoder ${enc.toFixed(0)} ms, decoder ${dec.toFixed(0)} ms per slice; wall / N·max ${(m.totalMs / (slices * Math.max(enc, dec))).toFixed(2)}, wall / N·sum ${(m.totalMs / (slices * (enc + dec))).toFixed(2)}; CPU ${cpu.toFixed(0)} ms per slice`);
      }
    }
  } finally {
    for (const way of ways) await opened[way].close();
    await decoder.release();
    await service?.stop();
  }
  for (const way of ways) {
    const s = samples[way];
    const f = { ...at, runtime: way };
    rows.push(
      row({ ...f, stage: 'walk' }, s.total),
      row({ ...f, stage: 'slices per second' }, s.perSecond, 'slices/s'),
      row({ ...f, stage: 'wall per slice' }, s.total.map((t) => t / slices)),
      row({ ...f, stage: 'encoder per slice' }, s.encoder),
      row({ ...f, stage: 'decoder per slice' }, s.decoder),
      row({ ...f, stage: 'CPU per slice (all threads, service included)' }, s.cpu),
      row({ ...f, stage: 'wall / N·max(encoder, decoder)' }, s.vsPipelined, '×'),
      row({ ...f, stage: 'wall / N·(encoder + decoder)' }, s.vsUnpipelined, '×'),
    );
  }
  rows.push(figure({ ...at, runtime: 'machine', stage: 'load average at end' }, os.loadavg()[0], ''));
  return { rows };
}

/** One 3D box walk over slices [0, n-1] (start in the middle), the project's segmentBox3D. */
async function walk(core, way, decoder, manifest, shape, box, n) {
  const prepared = new Map();
  const encoderMs = [];
  const model = {
    async embed(k) {
      const r = await way.embed(k);
      prepared.set(k, r.prepared);
      encoderMs.push(r.encoderMs);
      return r.embedding;
    },
    decode: (embedding, k, modelBox) => core.decodeModelBox(decoder, manifest, embedding, prepared.get(k), modelBox),
  };
  const t = now();
  const result = await core.segmentBox3D(model, { ...shape, sliceCount: n }, { box, range: [0, n - 1] }, { lookahead: way.lookahead });
  return { totalMs: now() - t, encoderMs, decoderMs: result.slices.map((s) => s.decodeMs) };
}

await childMain(import.meta.url, run);
