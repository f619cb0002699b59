#!/usr/bin/env node
// `npm run bench` / `npm run bench -- --quick`: measures the loop that users feel and writes
// bench/results/<date>-<machine>[-quick].json. See BENCHMARKS.md.
import os from 'node:os';
import path from 'node:path';
import { parseBenchArgs, usage } from './lib/args.mjs';
import { buildAll } from './lib/build.mjs';
import { runChild } from './lib/child.mjs';
import { evaluateGoals } from './lib/goals.mjs';
import { describeMachine, machineSlug } from './lib/machine.mjs';
import { INSTALL_TORCH, REPRESENTATIVE_KEYS, representative, testTiny } from './lib/models.mjs';
import { resultsDir } from './lib/paths.mjs';
import { planJobs } from './lib/plan.mjs';
import { resultPath, writeResult } from './lib/results.mjs';
import { formatGoals, formatTable } from './lib/table.mjs';

const SUITES = ['decoder-node', 'decoder-chromium', 'encoder', 'encoder-pair', 'service', 'memory', 'peer', 'viewer', 'viewer3d', 'volume3d'];
const log = (msg) => process.stderr.write(`${msg}\n`);

async function main() {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2), SUITES);
  } catch (e) {
    log(`${e.message}\n\n${usage(SUITES)}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${usage(SUITES)}\n`);
    return 0;
  }
  const started = Date.now();
  const machine = await describeMachine();
  log(`medsam-ohif bench (${args.quick ? 'quick' : 'full'}) on ${machine.cpuModel}, ${machine.cores} cores, load average ${machine.loadAverageAtStart.join(' ')}`);
  if (machine.loadAverageAtStart[0] > machine.cores) log(`  note: the load average exceeds the core count: other work is running and every figure will be noisy`);

  const skipped = [];
  const builds = await buildAll();
  for (const [name, error] of Object.entries(builds)) if (error) log(`  build ${name} failed: ${error}`);
  if (builds.core) throw new Error(`cannot bundle the core (${builds.core})`);
  if (builds.browser) skipped.push({ suite: 'decoder-chromium', reason: `browser bundle failed: ${builds.browser}` });
  const serviceBuilt = !builds.server && !builds.oip;
  if (!serviceBuilt) skipped.push({ suite: 'service', reason: `the embedding service or its client does not build: ${builds.server ?? builds.oip}` });

  const models = [];
  const tiny = testTiny(args.testModel);
  if (tiny.missing) skipped.push({ suite: 'test-tiny', reason: tiny.missing });
  else models.push({ ...tiny, big: false });
  let generated;
  if (!args.quick) {
    for (const key of REPRESENTATIVE_KEYS.filter((k) => !args.models || args.models.includes(k) || args.suites.includes('encoder-pair'))) {
      const rep = await representative(log, key);
      if (rep.missing) {
        log(`  the representative model ${key} cannot be made: ${rep.missing}\n  install: ${INSTALL_TORCH}\n  continuing without it`);
        skipped.push({ suite: key, reason: rep.missing });
      } else {
        models.push({ ...rep, big: true });
        generated = (generated ?? 0) + rep.generatedSeconds;
      }
    }
  }
  if (args.models) {
    for (const m of models.filter((x) => !args.models.includes(x.key))) m.onlyForPairs = true;
  }
  if (models.length === 0) throw new Error(`no model to measure: ${skipped.map((s) => s.reason).join('; ')}`);

  const suites = args.suites.filter((s) => !skipped.some((k) => k.suite === s));
  const jobs = planJobs({ models, suites, quick: args.quick, serviceBuilt });
  const rows = [];
  const extra = { chromium: [], memorySeries: [], notes: [] };
  for (const [i, job] of jobs.entries()) {
    log(`[${i + 1}/${jobs.length}] ${job.label}`);
    const t = Date.now();
    try {
      const value = await runChild(job.script, job.params, { timeoutMs: job.timeoutMs, nodeArgs: job.nodeArgs });
      rows.push(...value.rows);
      if (value.environments) extra.chromium.push(...value.environments);
      if (value.chromium) machine.chromiumDriven = value.chromium;
      if (value.series) extra.memorySeries.push({ job: job.label, series: value.series });
      if (value.notes) extra.notes.push({ job: job.label, ...value.notes });
    } catch (e) {
      const reason = e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e);
      log(`  failed: ${reason}`);
      skipped.push({ suite: job.suite, job: job.label, reason });
    }
    log(`  ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  const goals = evaluateGoals(rows, machine.cores);
  machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const record = {
    schema: 'medsam-ohif/bench-result@1',
    date: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    models: models.map(({ key, manifest, big }) => ({ key, manifest: path.relative(process.cwd(), manifest), representative: big })),
    modelGenerationSeconds: generated,
    goals,
    rows,
    chromiumEnvironments: extra.chromium,
    memorySeries: extra.memorySeries,
    notes: extra.notes,
    skipped,
  };
  const partial = args.suites.length < SUITES.length ? args.suites : undefined;
  const file = resultPath(args.out ? path.resolve(args.out) : resultsDir, args.machine ?? machineSlug(machine), args.quick, partial);
  writeResult(file, record);

  process.stdout.write(`${formatTable(rows)}\n${formatGoals(goals)}\n`);
  if (skipped.length) process.stdout.write(`\n== not measured\n${skipped.map((s) => `  ${s.job ?? s.suite}: ${s.reason}`).join('\n')}\n`);
  process.stdout.write(`\nmachine: ${machine.cpuModel}, ${machine.cores} cores, load average ${machine.loadAverageAtStart.join(' ')} → ${machine.loadAverageAtEnd.join(' ')}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${record.durationSeconds} s)\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
