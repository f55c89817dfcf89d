/**
 * ARPResponder — answer ARP requests for configured addresses.
 *
 * Synopsis:   ARPResponder(IP/MASK [IP/MASK...] ETH, IP2/MASK2 ETH2, ...)
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: each argument maps one or more IP prefixes (a bare address is
 *   a /32) to an Ethernet address. A packet that is a complete Ethernet ARP
 *   request for IPv4 (at least 42 bytes, type 0x0806, hardware 1, protocol
 *   0x0800, operation 1) whose target address matches a prefix is answered:
 *   a new 42-byte ARP reply from that Ethernet address to the requester
 *   leaves on output 0 (carrying the request's VLAN TCI annotation) and the
 *   request is consumed. Any other packet leaves on output 1, or is dropped
 *   if there is none. The most specific matching prefix wins; for identical
 *   prefixes the later argument wins (with a warning).
 * Handlers:
 *   table (read)   one line per entry: "ADDR/LEN ETH"
 *   lookup (read with an IP address parameter)  the Ethernet address answered
 *                  for it, or nothing
 *   add (write)    add entries, "IP/MASK [IP/MASK...] ETH"
 *   remove (write) remove the entry for "IP/MASK"
 */

import { ConfigError, a, type ConfigContext } from '../../config-lang/args/args.js';
import { T, formatIPv4, maskFromLength, parseEther } from '../../config-lang/args/types.js';
import { parseClickPrefix } from '../lib/ip-route.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import { ANNO, Packet, type PacketBatch } from '../../host-engine/packet.js';
import { ARPH, ARPHRD_ETHER, ARPOP_REPLY, ARPOP_REQUEST, ETH, ETHERTYPE_ARP, ETHERTYPE_IP, setMacHeader, unparseEther } from '../lib/ether-header.js';
import { getU16, getU32, setU16 } from '../lib/ip-header.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { HandlerError, defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBytes, cU32 } from '../lib/native-init.js';

export interface ARPEntry {
  /** Network address (masked). */
  dst: number;
  mask: number;
  eth: Uint8Array;
}

export interface ARPResponderConf {
  entries: ARPEntry[];
}

export const ARP_FRAME_LEN = ETH.LEN + ARPH.LEN;

/** Parse one argument "IP/MASK [IP/MASK...] ETH" into entries. Throws Error with Click's wording. */
export function parseEntries(arg: string): ARPEntry[] {
  const entries: ARPEntry[] = [];
  let eth: Uint8Array | undefined;
  for (const w of splitWords(arg)) {
    const word = unquote(w.text);
    // Click's IPPrefixArg: `0/0` and `10/8` are prefixes too.
    const prefix = parseClickPrefix(word, true);
    if (prefix) {
      entries.push({ dst: (prefix.addr & prefix.mask) >>> 0, mask: prefix.mask, eth: new Uint8Array(6) });
      continue;
    }
    try {
      const e = parseEther(word);
      if (eth) throw new Error('more than one ETH');
      eth = e;
    } catch (err) {
      if ((err as Error).message === 'more than one ETH') throw err;
      throw new Error('expected IP/MASK ETH');
    }
  }
  if (entries.length === 0) throw new Error('missing IP/MASK');
  if (!eth) throw new Error('missing ETH');
  for (const e of entries) e.eth = eth;
  return entries;
}

/**
 * Sort in place with an explicit algorithm: the first run (ascending, or
 * strictly descending and then reversed), then binary insertion of the rest.
 * Click's entry comparison is not transitive (disjoint prefixes keep their
 * order, nested ones do not), so the result depends on the algorithm; this
 * one is what V8's Array.prototype.sort does below 64 elements, written out
 * so that the order is defined for every size and the native dataplane
 * (arp-responder.c) can reproduce it.
 */
export function sortIndices(a: number[], cmp: (x: number, y: number) => number): void {
  const n = a.length;
  let run = n;
  if (n >= 2) {
    run = 2;
    const desc = cmp(a[1]!, a[0]!) < 0;
    for (let i = 2; i < n; i++) {
      const c = cmp(a[i]!, a[i - 1]!);
      if (desc ? c >= 0 : c < 0) break;
      run++;
    }
    if (desc) a.splice(0, run, ...a.slice(0, run).reverse());
  }
  for (let start = run; start < n; start++) {
    const pivot = a[start]!;
    let left = 0;
    let right = start;
    while (left < right) {
      const mid = left + ((right - left) >> 1);
      if (cmp(pivot, a[mid]!) < 0) right = mid;
      else left = mid + 1;
    }
    a.copyWithin(left + 1, left, start);
    a[left] = pivot;
  }
}

/**
 * Order entries most specific first (Click's comparison); of identical
 * prefixes keep the later one. Returns the prefixes that were duplicated.
 */
export function normalize(entries: ARPEntry[]): { entries: ARPEntry[]; duplicates: string[] } {
  const order = entries.map((_, i) => i);
  sortIndices(order, (ia, ib) => {
    const x = entries[ia]!;
    const y = entries[ib]!;
    if (x.dst === y.dst && x.mask === y.mask) return ib - ia;
    if (((x.dst & y.mask) >>> 0) === y.dst) return -1;
    if (((y.dst & x.mask) >>> 0) === x.dst) return 1;
    return ia - ib;
  });
  const out: ARPEntry[] = [];
  const duplicates: string[] = [];
  for (const i of order) {
    const e = entries[i]!;
    const last = out[out.length - 1];
    if (last && last.dst === e.dst && last.mask === e.mask) duplicates.push(unparsePrefix(e.dst, e.mask));
    else out.push(e);
  }
  return { entries: out, duplicates };
}

/** Click's IPAddress::unparse_with_mask: ADDR/LEN, or ADDR/MASK for a non-contiguous mask. */
export function unparsePrefix(addr: number, mask: number): string {
  for (let len = 0; len <= 32; len++) if (maskFromLength(len) === mask) return `${formatIPv4(addr)}/${len}`;
  return `${formatIPv4(addr)}/${formatIPv4(mask)}`;
}

export class ARPResponderElement extends HostElement<ARPResponderConf> {
  entries: ARPEntry[] = this.conf.entries;

  lookup(addr: number): Uint8Array | undefined {
    for (const e of this.entries) if (((addr & e.mask) >>> 0) === e.dst) return e.eth;
    return undefined;
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      const reply = this.respond(p);
      if (reply) {
        this.consume(p);
        out.emit(0, reply);
      } else this.emitChecked(out, 1, p);
    }
  }

  override pull(_port: number, max: number, out: Out): PacketBatch {
    const result: PacketBatch = [];
    for (const p of this.env.pullInput(0, max)) {
      const reply = this.respond(p);
      if (reply) {
        this.consume(p);
        result.push(reply);
      } else this.emitChecked(out, 1, p);
    }
    return result;
  }

  /** The reply to an ARP request we can answer, or undefined. */
  private respond(p: Packet): Packet | undefined {
    const d = p.data;
    const arp = ETH.LEN;
    if (d.length < ARP_FRAME_LEN || getU16(d, ETH.TYPE) !== ETHERTYPE_ARP || getU16(d, arp + ARPH.HRD) !== ARPHRD_ETHER
      || getU16(d, arp + ARPH.PRO) !== ETHERTYPE_IP || getU16(d, arp + ARPH.OP) !== ARPOP_REQUEST) return undefined;
    const eth = this.lookup(getU32(d, arp + ARPH.TPA));
    if (!eth) return undefined;
    const q = this.created(makeARPReply(d.subarray(arp + ARPH.SHA, arp + ARPH.SHA + 6), d.subarray(arp + ARPH.SPA, arp + ARPH.SPA + 4),
      eth, d.subarray(arp + ARPH.TPA, arp + ARPH.TPA + 4)));
    q.anno[ANNO.VLAN_TCI] = p.anno[ANNO.VLAN_TCI]!;
    q.anno[ANNO.VLAN_TCI + 1] = p.anno[ANNO.VLAN_TCI + 1]!;
    return q;
  }
}

/**
 * A 42-byte Ethernet ARP frame for IPv4 with operation `op`, from `srcEth`
 * (also the sender hardware address) to `dstEth`, MAC header marked (network
 * header after it). The caller writes the protocol addresses and the target
 * hardware address.
 */
export function makeARPFrame(op: number, dstEth: Uint8Array, srcEth: Uint8Array): Packet {
  const q = Packet.make(ARP_FRAME_LEN);
  const d = q.writable();
  d.set(dstEth, ETH.DST);
  d.set(srcEth, ETH.SRC);
  setU16(d, ETH.TYPE, ETHERTYPE_ARP);
  const arp = ETH.LEN;
  setU16(d, arp + ARPH.HRD, ARPHRD_ETHER);
  setU16(d, arp + ARPH.PRO, ETHERTYPE_IP);
  d[arp + ARPH.HLN] = 6;
  d[arp + ARPH.PLN] = 4;
  setU16(d, arp + ARPH.OP, op);
  d.set(srcEth, arp + ARPH.SHA);
  setMacHeader(q, 0, ETH.LEN);
  return q;
}

/** An ARP reply from (srcEth, srcIP) to (targetEth, targetIP). */
export function makeARPReply(targetEth: Uint8Array, targetIP: Uint8Array, srcEth: Uint8Array, srcIP: Uint8Array): Packet {
  const q = makeARPFrame(ARPOP_REPLY, targetEth, srcEth);
  const d = q.writable();
  const arp = ETH.LEN;
  d.set(srcIP, arp + ARPH.SPA);
  d.set(targetEth, arp + ARPH.THA);
  d.set(targetIP, arp + ARPH.TPA);
  return q;
}

export const spec = defineElement({
  name: 'ARPResponder',
  ports: '1/1-2',
  processing: 'a/ah',
  args: { ENTRIES: a.rest(T.raw) },
  configure: (v, ctx: ConfigContext): ARPResponderConf => {
    const all: ARPEntry[] = [];
    v.ENTRIES.forEach((arg, i) => {
      try {
        all.push(...parseEntries(arg));
      } catch (e) {
        throw new ConfigError(`argument ${i}: ${(e as Error).message}`, i, 'each argument is IP/MASK [IP/MASK...] ETH');
      }
    });
    const { entries, duplicates } = normalize(all);
    for (const d of duplicates) ctx.warn(`multiple entries for ${d}`);
    return { entries };
  },
  host: (init: ElementInit<ARPResponderConf>) => new ARPResponderElement(init),
  native: {
    source: nativeSource(import.meta.url, 'arp-responder.c'),
    prefix: 'arp_responder',
    inPlace: true,
    hooks: { init: true, cleanup: true },
    init: (c, ctx) => {
      const rows = c.entries.map((e) => `{ ${cU32(e.dst)}, ${cU32(e.mask)}, ${cBytes(e.eth)} }`);
      return `.init_entries = ${ctx.constArray('struct arp_responder_entry', rows)}, .init_count = ${rows.length}`;
    },
  },
  handlers: {
    table: {
      read: (e: ARPResponderElement) => e.entries.map((x) => `${unparsePrefix(x.dst, x.mask)} ${unparseEther(x.eth)}`).join('\n'),
      doc: 'the prefixes answered, most specific first',
    },
    lookup: {
      readParam: (e: ARPResponderElement, param: string) => {
        const eth = e.lookup(parseHandlerValue(T.ip, param));
        return eth ? unparseEther(eth) : '';
      },
      doc: 'the Ethernet address answered for an IP address',
    },
    add: {
      write: (e: ARPResponderElement, value: string) => {
        let added: ARPEntry[];
        try {
          added = parseEntries(value);
        } catch (err) {
          throw new HandlerError((err as Error).message);
        }
        e.entries = normalize([...e.entries, ...added]).entries;
      },
      doc: 'add entries: IP/MASK [IP/MASK...] ETH',
    },
    remove: {
      write: (e: ARPResponderElement, value: string) => {
        const prefix = parseClickPrefix(unquote(value.trim()), true);
        if (!prefix) throw new HandlerError('expected IP/MASK');
        const dst = (prefix.addr & prefix.mask) >>> 0;
        const i = e.entries.findIndex((x) => x.dst === dst && x.mask === prefix.mask);
        if (i < 0) throw new HandlerError(`${unparsePrefix(dst, prefix.mask)} not found`);
        e.entries = e.entries.filter((_, k) => k !== i);
      },
      doc: 'remove the entry for IP/MASK',
    },
  },
});
