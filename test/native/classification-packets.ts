// Random packets for the native classification tests, as a whole element
// sees them: the IP bytes of the shared generators (test/util/
// classification-generators.ts) behind link-layer headers, with bytes
// pulled off before the network header, missing header annotations, and
// truncation anywhere.

import type { TestPacket } from './classification-fixtures.js';
import { ipBytes, randomLinkBytes, type Rng } from '../util/classification-generators.js';

function ether(r: Rng): Uint8Array {
  const b = Uint8Array.from({ length: 14 }, () => r.int(256));
  b[12] = r.pick([0x08, 0x08, 0x86, 0x81]);
  b[13] = r.pick([0x00, 0x00, 0x06, 0xdd]);
  return b;
}

/**
 * A random IP packet as an element sees it: usually behind an Ethernet
 * header (pulled off or not), sometimes with the network header before the
 * data start, without header annotations, or without a transport annotation;
 * now and then cut anywhere, even inside the IP header.
 */
export function ipTestPacket(r: Rng): TestPacket {
  const { ip, hlen } = ipBytes(r);
  const withEther = r.chance(0.7);
  const bytes = withEther ? Uint8Array.from([...ether(r), ...ip]) : ip;
  const net = withEther ? 14 : 0;
  const cut = r.chance(0.15) ? r.int(bytes.length + 1) : bytes.length;
  const kind = r.int(20);
  let pull = withEther && r.chance(0.5) ? 14 : 0;
  let n = net;
  let t = net + hlen;
  if (kind === 0) n = t = -1; // no header annotations
  else if (kind === 1) t = -1; // network header but no transport header
  else if (kind === 2) pull = Math.min(cut, net + r.pick([1, 4, 8, 20])); // headers start before the data
  else if (kind === 3) t = net + r.pick([0, 8, 20, 64]); // a transport annotation elsewhere
  return { bytes: bytes.subarray(0, cut), pull: Math.min(pull, cut), net: n, trans: t };
}

/** Random bytes for Classifier (link-level offsets), sometimes a frame with an IP packet. */
export function linkTestPacket(r: Rng): TestPacket {
  if (r.chance(0.3)) {
    const b = Uint8Array.from([...ether(r), ...ipBytes(r).ip]);
    return { bytes: b.subarray(0, r.chance(0.2) ? r.int(b.length + 1) : b.length), pull: 0, net: -1, trans: -1 };
  }
  const b = randomLinkBytes(r);
  const len = b.length;
  const pull = r.chance(0.1) ? r.int(len + 1) : 0;
  return { bytes: b, pull, net: r.chance(0.2) ? 0 : -1, trans: -1 };
}
