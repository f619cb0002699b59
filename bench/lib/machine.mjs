// What the figures were measured on: CPU, cores, memory, OS, runtime versions, and the load average
// (other work on the machine makes every figure noisier; the load says how much).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromiumPath, repoRoot, systemPython } from './paths.mjs';

const run = promisify(execFile);

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function osName() {
  try {
    return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

async function firstLine(cmd, args) {
  try {
    const { stdout } = await run(cmd, args, { timeout: 30_000 });
    return stdout.trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

export async function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    kernel: os.release(),
    arch: os.arch(),
    node: process.version,
    onnxruntimeNode: packageVersion('onnxruntime-node'),
    onnxruntimeWeb: packageVersion('onnxruntime-web'),
    chromium: await firstLine(chromiumPath, ['--version']),
    torch: await firstLine(systemPython, ['-c', 'import torch, onnx; print(f"torch {torch.__version__}, onnx {onnx.__version__}")']),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** A short file-name-safe name for the machine, e.g. "amd-epyc-2c". */
export function machineSlug(machine) {
  const cpu = machine.cpuModel.toLowerCase().replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${cpu.split('-').slice(0, 4).join('-') || 'cpu'}-${machine.cores}c`;
}
