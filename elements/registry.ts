// Every element class clickvm knows, by Click class name. Each folder's
// index.ts lists its classes; this file only gathers the folders.

import type { ArgDefs } from '../config-lang/args/args.js';
import type { HostElement } from '../host-engine/element.js';
import type { AnyElementSpec, ElementSpec } from './spec.js';
import { anySpec } from './lib/any-spec.js';
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

const classes = new Map<string, AnyElementSpec>(all.map((s) => [s.name, s]));

export const registry: ReadonlyMap<string, AnyElementSpec> = classes;

export function lookupClass(name: string): AnyElementSpec | undefined {
  return registry.get(name);
}

/**
 * Add a class that is not part of the library (a test-only element, a
 * plugin) so that configurations, the checker and both engines find it like
 * any other. Throws if a class of that name exists already: a plugin may not
 * replace a library class, and registering twice is a mistake.
 */
export function registerClass<A extends ArgDefs, C, E extends HostElement<C>>(spec: ElementSpec<A, C, E>): void {
  if (classes.has(spec.name)) throw new Error(`element class '${spec.name}' is already registered`);
  classes.set(spec.name, anySpec(spec));
}

/** Package names `require(...)` accepts: Click's standard packages, all built in here. */
export const KNOWN_PACKAGES: ReadonlySet<string> = new Set([
  'standard', 'ip', 'ethernet', 'icmp', 'tcpudp', 'userlevel', 'analysis', 'app', 'aqm', 'local', 'threads', 'test', 'linuxmodule', 'ns', 'clickvm',
]);
