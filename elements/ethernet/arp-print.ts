/**
 * ARPPrint — print a tcpdump-like line per ARP packet on standard error.
 *
 * Synopsis:   ARPPrint([LABEL, KEYWORDS])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: for packets with a network header annotation (the ARP header:
 *   ARPQuerier's and ARPResponder's packets carry one), prints
 *   `[LABEL: ][TIMESTAMP: ][SRC > DST: ]TEXT`, where SRC > DST are the
 *   Ethernet addresses (with ETHER, when 14 bytes from the MAC header, or
 *   the data start without one, end before the network header and the
 *   data), and TEXT is `truncated-arp (LEN)` under 8 network bytes, else by
 *   operation: `arp who-has TPA[ (THA)] tell SPA` (THA when not zero),
 *   `arp reply SPA is-at SHA`, `rarp who-is THA tell SHA`, `rarp reply THA
 *   at TPA`, `invarp who-is THA tell SHA`, `invarp reply THA at TPA`, or
 *   `arp-#OP`; `trailer-` before it for the trailer protocol, and
 *   `hardware #HRD` right after it for a hardware type other than Ethernet.
 *   As in Click, a packet whose protocol is neither IP nor trailer, whose
 *   protocol address length is not 4 or whose hardware address length is 0
 *   prints nothing. Packets pass on unchanged; packets without a network
 *   header are not printed.
 * Keywords:
 *   TIMESTAMP  print the timestamp (default true)
 *   ETHER      print the Ethernet addresses (default false)
 *   ACTIVE     print only while true (default true)
 * Handlers:   active (read/write).
 * Differences: Click reads the addresses of the 28-byte Ethernet/IP ARP
 *   layout without checking the length; here bytes past the data read as 0
 *   (as IPPrint's do), and the target hardware address is "zero" when its
 *   first HLN bytes (at most 6) are. OUTFILE is not supported.
 */

import { a } from '../../config-lang/args/args.js';
import { formatIPv4, T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { formatTimestamp } from '../lib/click-time.js';
import { unparseEther } from '../lib/ether-header.js';
import { handlerBool } from '../lib/handler-values.js';
import { defineElement } from '../spec.js';

export interface ARPPrintConf {
  label: string;
  timestamp: boolean;
  ether: boolean;
  active: boolean;
}

const ETHERTYPE_IP = 0x0800;
const ETHERTYPE_TRAIL = 0x1000;

export class ARPPrintElement extends HostElement<ARPPrintConf> {
  active = this.conf.active;

  /** The line for one packet, or undefined if it prints nothing. */
  text(p: Packet): string | undefined {
    if (p.networkHeaderOffset === undefined) return undefined;
    const buf = p.buffer;
    const end = p.dataOffset + p.length;
    const net = p.networkHeaderBufferOffset;
    const u8 = (o: number) => (net + o < end ? buf[net + o]! : 0);
    const u16 = (o: number) => (u8(o) << 8) | u8(o + 1);
    const bytes = (o: number, n: number) => Uint8Array.from({ length: n }, (_, i) => u8(o + i));
    const ipAt = (o: number) => formatIPv4(((u8(o) << 24) | (u8(o + 1) << 16) | (u8(o + 2) << 8) | u8(o + 3)) >>> 0);
    const etherAt = (o: number) => unparseEther(bytes(o, 6));
    let s = '';
    if (this.conf.label) s += `${this.conf.label}: `;
    if (this.conf.timestamp) s += `${formatTimestamp(p.tsSec, p.tsNsec)}: `;
    if (this.conf.ether) {
      const mac = p.macHeaderOffset === undefined ? p.dataOffset : p.macHeaderBufferOffset;
      if (mac + 14 <= net && mac + 14 <= end) s += `${unparseEther(buf.subarray(mac + 6, mac + 12))} > ${unparseEther(buf.subarray(mac, mac + 6))}: `;
    }
    if (end - net < 8) return `${s}truncated-arp (${end - net})`;
    const hrd = u16(0);
    const pro = u16(2);
    const hln = u8(4);
    const pln = u8(5);
    const op = u16(6);
    if ((pro !== ETHERTYPE_IP && pro !== ETHERTYPE_TRAIL) || pln !== 4 || hln === 0) return undefined;
    if (pro === ETHERTYPE_TRAIL) s += 'trailer-';
    const SHA = 8, SPA = 14, THA = 18, TPA = 24;
    switch (op) {
      case 1:
        s += `arp who-has ${ipAt(TPA)}`;
        if (bytes(THA, Math.min(hln, 6)).some((b) => b !== 0)) s += ` (${etherAt(THA)})`;
        s += ` tell ${ipAt(SPA)}`;
        break;
      case 2:
        s += `arp reply ${ipAt(SPA)} is-at ${etherAt(SHA)}`;
        break;
      case 3:
        s += `rarp who-is ${etherAt(THA)} tell ${etherAt(SHA)}`;
        break;
      case 4:
        s += `rarp reply ${etherAt(THA)} at ${ipAt(TPA)}`;
        break;
      case 8:
        s += `invarp who-is ${etherAt(THA)} tell ${etherAt(SHA)}`;
        break;
      case 9:
        s += `invarp reply ${etherAt(THA)} at ${ipAt(TPA)}`;
        break;
      default:
        s += `arp-#${op}`;
    }
    if (hrd !== 1) s += `hardware #${hrd}`;
    return s;
  }

  private print(batch: PacketBatch): void {
    if (!this.active) return;
    for (const p of batch) {
      const line = this.text(p);
      if (line !== undefined) this.env.stderr(line);
    }
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    this.print(batch);
    out.emitBatch(0, batch);
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    this.print(batch);
    return batch;
  }
}

const args = {
  LABEL: a.p(T.string, ''),
  TIMESTAMP: a.kw(T.bool, true),
  ETHER: a.kw(T.bool, false),
  ACTIVE: a.kw(T.bool, true),
};

export const spec = defineElement<typeof args, ARPPrintConf, ARPPrintElement>({
  name: 'ARPPrint',
  ports: '1/1',
  processing: 'a/a',
  writesStream: 'stderr',
  args,
  configure: (v): ARPPrintConf => ({ label: v.LABEL, timestamp: v.TIMESTAMP, ether: v.ETHER, active: v.ACTIVE }),
  host: (init) => new ARPPrintElement(init),
  native: {
    source: nativeSource(import.meta.url, 'arp-print.c'),
    prefix: 'arp_print',
    inPlace: true,
    hooks: { cleanup: true },
    init: (c, ctx) => `.label = ${ctx.cString(c.label)}, .timestamp = ${+c.timestamp}, .ether = ${+c.ether}, .active = ${+c.active}`,
  },
  handlers: {
    active: {
      read: (e: ARPPrintElement) => String(e.active),
      write: (e: ARPPrintElement, v) => void (e.active = handlerBool(v, 'expected boolean')),
    },
  },
});
