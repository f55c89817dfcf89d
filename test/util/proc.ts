// What the kernel says about a running process (Linux /proc).

import { readFileSync } from 'node:fs';

/** User+system CPU seconds of process `pid` so far (/proc/PID/stat fields 14 and 15, in 1/100 s ticks). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
