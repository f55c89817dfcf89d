// Which NICs a configuration needs inside the VM. There a device is named by
// its position, as in ClickOS: FromDevice(0) / ToDevice(eth1) is the first /
// second virtio-net NIC, in the order `vm start --nic` gives them. A name the
// VM cannot mean (eth0 is fine, br-lan is not) is an error at the element,
// reported before an image is built rather than when the guest starts.

import { DiagnosticBag, type Diagnostic } from '../config-lang/diagnostics.js';
import type { CheckedGraph } from '../graph/router-graph.js';

/** Elements that open a network device; their configuration has `devname`. */
const DEVICE_CLASSES = new Set(['FromDevice', 'ToDevice', 'PollDevice']);

export interface NicUse {
  readonly element: string;
  readonly className: string;
  readonly nic: number;
}

export interface NicsUsed {
  /** NICs the VM needs: one more than the highest number used (0 if none). */
  readonly count: number;
  readonly uses: readonly NicUse[];
  /** Errors for device names a VM cannot have (empty if none). */
  readonly diagnostics: readonly Diagnostic[];
}

/** `0`, `eth0` → 0; undefined for names that are not a NIC number. */
export function nicNumber(devname: string): number | undefined {
  const m = /^(?:eth)?(\d{1,2})$/.exec(devname);
  return m ? Number(m[1]) : undefined;
}

export function nicsUsed(graph: CheckedGraph): NicsUsed {
  const bag = new DiagnosticBag();
  const uses: NicUse[] = [];
  for (const el of graph.elements) {
    if (!DEVICE_CLASSES.has(el.className)) continue;
    const devname = (el.conf as { devname?: unknown }).devname;
    if (typeof devname !== 'string') continue;
    const nic = nicNumber(devname);
    if (nic === undefined) {
      bag.error(
        el.configSpan ?? el.span,
        `${el.className} '${el.name}' names device '${devname}', which a VM does not have`,
        'inside a VM, devices are its NICs by number: 0, 1, … (or eth0, eth1, …), in `vm start --nic` order',
      );
      continue;
    }
    uses.push({ element: el.name, className: el.className, nic });
  }
  const count = uses.reduce((n, u) => Math.max(n, u.nic + 1), 0);
  return { count, uses, diagnostics: bag.items };
}
