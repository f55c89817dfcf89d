// Every element class clickvm knows, by Click class name. Each folder's
// index.ts lists its classes; this file only gathers the folders.

import type { AnyElementSpec } from './spec.js';
import { specs as classification } from './classification/index.js';
import { specs as driver } from './driver/index.js';
import { specs as ethernet } from './ethernet/index.js';
import { specs as icmp } from './icmp/index.js';
import { specs as io } from './io/index.js';
import { specs as ip } from './ip/index.js';
import { specs as nat } from './nat/index.js';
import { specs as routing } from './routing/index.js';
import { specs as standard } from './standard/index.js';
import { specs as tcpudp } from './tcpudp/index.js';

const all: AnyElementSpec[] = [
  ...standard, ...io, ...driver, ...classification, ...ethernet, ...ip, ...icmp, ...tcpudp, ...routing, ...nat,
];

export const registry: ReadonlyMap<string, AnyElementSpec> = new Map(all.map((s) => [s.name, s]));

export function lookupClass(name: string): AnyElementSpec | undefined {
  return registry.get(name);
}

/** Package names `require(...)` accepts: Click's standard packages, all built in here. */
export const KNOWN_PACKAGES: ReadonlySet<string> = new Set([
  'standard', 'ip', 'ethernet', 'icmp', 'tcpudp', 'userlevel', 'analysis', 'app', 'aqm', 'local', 'threads', 'test', 'linuxmodule', 'ns', 'clickvm',
]);
