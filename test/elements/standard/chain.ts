// Wiring harnessed elements by hand, depth first as Click moves packets:
// each step takes what one element emitted on a port and pushes it into the
// next, so a test can reproduce a small configuration without a router.

import type { HostElement } from '../../../host-engine/element.js';
import type { Packet } from '../../../host-engine/packet.js';
import type { Harness } from '../../util/element-harness.js';

/** Remove and return what `h` has emitted on `port` so far. */
export function take(h: Harness<HostElement>, port: number): Packet[] {
  return h.outputs[port]!.splice(0);
}

/** Push what `from` emitted on `port` into `to`'s input `inPort`; returns those packets. */
export function forward(from: Harness<HostElement>, port: number, to: Harness<HostElement>, inPort = 0): Packet[] {
  const moved = take(from, port);
  if (moved.length) to.push(inPort, ...moved);
  return moved;
}
