// What the rewriter tests set up alike: a rewriter between an inside
// (input 0 → output 0) and an outside (input 1 → output 1), and engine time
// in seconds.

import type { AnyElementSpec } from '../../../elements/spec.js';
import type { HostElement } from '../../../host-engine/element.js';
import { harness, type Harness, type HarnessOptions } from '../../util/element-harness.js';

export const SEC = 1_000_000_000n;

/** The rewriter of `spec` with two push inputs and two push outputs (more options may be given). */
export function rewriter<E extends HostElement = HostElement>(spec: AnyElementSpec, config: string, opts: HarnessOptions = {}): Harness<E> {
  return harness<E>(spec, config, { inputs: ['push', 'push'], outputs: ['push', 'push'], ...opts });
}
