// The machine a run measured: CPU, cores, kernel, compiler, load.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, version } from 'node:os';
import { median } from './stats.js';

export interface Machine {
  readonly host: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly mhz: number;
  readonly kernel: string;
  readonly os: string;
  readonly node: string;
  readonly gcc: string;
  /** 1-minute load average when the run started. */
  readonly loadAtStart: number;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1]! : 'unknown';
  } catch {
    return 'unknown';
  }
}

function gcc(): string {
  try {
    return execFileSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).trim();
  } catch {
    return 'none';
  }
}

export function machine(): Machine {
  const list = cpus();
  let mhz = median(list.map((c) => c.speed).filter((s) => s > 0));
  if (!(mhz > 0)) {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    mhz = m ? Number(m[1]) : NaN;
  }
  return {
    host: hostname(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    mhz: Math.round(mhz),
    kernel: `${release()} ${version()}`,
    os: osName(),
    node: process.version,
    gcc: gcc(),
    loadAtStart: loadavg()[0]!,
  };
}
