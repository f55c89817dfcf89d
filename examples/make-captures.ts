// Regenerate the example captures: `node --import tsx examples/make-captures.ts`
// (from anywhere in the repository; files land next to each example). Every capture is built from a fixed
// seed, so the files come out byte for byte the same each time;
// `--check` compares instead of writing and exits 1 on any difference.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Capture } from './captures/trace.js';
import { firewallCaptures } from './captures/firewall.js';
import { loadBalancerCaptures } from './captures/load-balancer.js';
import { monitorCaptures } from './captures/monitor.js';
import { natCaptures } from './captures/nat.js';
import { rateLimiterCaptures } from './captures/rate-limiter.js';
import { routerCaptures } from './captures/router.js';

export const EXAMPLES_DIR = dirname(fileURLToPath(import.meta.url));

/** Every example capture, with its path relative to examples/. */
export function buildCaptures(): Capture[] {
  return [...firewallCaptures(), ...loadBalancerCaptures(), ...monitorCaptures(), ...natCaptures(), ...rateLimiterCaptures(), ...routerCaptures()];
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let differ = 0;
  for (const c of buildCaptures()) {
    const path = join(EXAMPLES_DIR, c.path);
    const bytes = c.bytes();
    if (check) {
      const same = existsSync(path) && Buffer.compare(readFileSync(path), bytes) === 0;
      if (!same) differ++;
      console.log(`${same ? 'same' : 'DIFFERS'}  ${c.path}  (${c.size} packets)`);
    } else {
      writeFileSync(path, bytes);
      console.log(`wrote ${c.path}  (${c.size} packets, ${bytes.length} bytes)`);
    }
  }
  return differ ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
