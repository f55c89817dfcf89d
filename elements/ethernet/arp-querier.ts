/**
 * ARPQuerier — encapsulate IP packets in Ethernet headers found with ARP.
 *
 * Synopsis:   ARPQuerier(IP, ETH [, keywords CAPACITY, ENTRY_CAPACITY, ENTRY_PACKET_CAPACITY,
 *                        CAPACITY_SLIM_FACTOR, TIMEOUT, POLL_TIMEOUT, BROADCAST, BROADCAST_POLL])
 * Ports:      2 inputs (IP packets, ARP replies); 1 or 2 outputs (Ethernet
 *             frames, ARP queries; with one output, queries share it). Push.
 * Processing: an IP packet on input 0, whose destination IP annotation says
 *   where it goes, gets a 14-byte Ethernet header of type 0x0800 from ETH.
 *   If the destination's Ethernet address is known it leaves on output 0
 *   (and, once the entry is older than POLL_TIMEOUT, a renewal query is sent
 *   to the known address, or broadcast with BROADCAST_POLL). Packets for
 *   255.255.255.255 or the BROADCAST address go to ff:ff:ff:ff:ff:ff,
 *   multicast ones to 01:00:5e plus the low 23 address bits. Packets for
 *   0.0.0.0 are dropped (with a one-time warning). Otherwise the packet waits
 *   in the table and a broadcast ARP query for the address is sent, at most
 *   ten a second per address (every two seconds after ten unanswered).
 *   Ethernet ARP replies on input 1 record the sender's addresses and send
 *   the packets waiting for them, in arrival order. Entries expire after
 *   TIMEOUT; waiting packets beyond the capacities are dropped oldest first.
 *   An IP of 0.0.0.0 makes ARPQuerier drop every IP packet.
 * Arguments:
 *   IP                     this host's IP address (or IP/LEN, which also sets
 *                          the default BROADCAST to the prefix's broadcast).
 *   ETH                    this host's Ethernet address.
 *   CAPACITY               waiting packets in total, default 2048 (0 = unlimited).
 *   ENTRY_CAPACITY         entries, default 0 (unlimited).
 *   ENTRY_PACKET_CAPACITY  waiting packets per entry, default 0 (unlimited).
 *   CAPACITY_SLIM_FACTOR   over capacity, keep CAPACITY - CAPACITY/FACTOR, default 2.
 *   TIMEOUT                entry lifetime, default 5 minutes (0 = forever).
 *   POLL_TIMEOUT           age after which entries are re-queried, default 1 minute (0 = never).
 *   BROADCAST              local broadcast address.
 *   BROADCAST_POLL         boolean, default false: send renewal queries broadcast.
 * Handlers:
 *   table (read)      one line per entry, oldest first: "IP VALID ETH AGE"
 *   stats (read)      "N packets killed" and "N ARP queries sent" lines
 *   count, length (read)  entries, waiting packets
 *   queries, responses, drops (read)
 *   ipaddr, broadcast (read/write)
 *   insert (write "IP ETH"), delete (write "IP"), clear (write)
 * Differences from Click: no TABLE keyword (there is no separate ARPTable
 *   element), and no one-argument AddressInfo form. A reply shorter than an
 *   Ethernet ARP packet is dropped (counted in the engine's drop statistics);
 *   processed replies are consumed.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T, formatIPv4 } from '../../config-lang/args/types.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { HostElement, type ElementInit, type Out, type Timer } from '../../host-engine/element.js';
import { ANNO, Packet, type PacketBatch } from '../../host-engine/packet.js';
import {
  ARPH, ARPHRD_ETHER, ARPOP_REPLY, ARPOP_REQUEST, BROADCAST_ETHER, ETH, ETHERTYPE_ARP, ETHERTYPE_IP,
  setMacHeader, unparseEther,
} from '../lib/ether-header.js';
import { ipField } from '../lib/field-handlers.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { getU16, getU32, isMulticast, setU16, setU32 } from '../lib/ip-header.js';
import { HandlerError, defineElement } from '../spec.js';
import { ARPCache, EAGAIN, HZ } from './arp-cache.js';
import { ARP_FRAME_LEN, makeARPFrame } from './arp-responder.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool, cBytes, cU32 } from '../lib/native-init.js';

export interface ARPQuerierConf {
  ip: number;
  eth: Uint8Array;
  broadcast: number;
  capacity: number;
  entryCapacity: number;
  entryPacketCapacity: number;
  capacitySlimFactor: number;
  timeoutMs: number;
  pollTimeoutMs: number;
  broadcastPoll: boolean;
}

/** Click turns intervals into jiffies, and too-long ones into 0 ("never"). */
function intervalToMs(ns: bigint): number {
  const sec = ns / 1_000_000_000n;
  if (sec >= BigInt(Math.floor(0xffffffff / HZ))) return 0;
  return Number(ns / 1_000_000n);
}

/** Click's Timestamp text for a jiffies count: seconds with six decimals. */
function formatAge(ms: number): string {
  const neg = ms < 0;
  const v = Math.abs(ms);
  return `${neg ? '-' : ''}${Math.floor(v / 1000)}.${String((v % 1000) * 1000).padStart(6, '0')}`;
}

export class ARPQuerierElement extends HostElement<ARPQuerierConf> {
  myIP = this.conf.ip;
  myBroadcast = this.conf.broadcast;
  queries = 0;
  responses = 0;
  drops = 0;
  private zeroWarned = false;
  readonly table: ARPCache;
  private expireTimer: Timer | undefined;

  constructor(init: ElementInit<ARPQuerierConf>) {
    super(init);
    const c = init.conf;
    this.table = new ARPCache(
      { capacity: c.capacity, entryCapacity: c.entryCapacity, entryPacketCapacity: c.entryPacketCapacity, slimFactor: c.capacitySlimFactor, timeoutMs: c.timeoutMs },
      (p) => this.drop(p),
    );
  }

  override initialize(): void {
    const timeout = this.conf.timeoutMs;
    if (!timeout) return;
    // Click checks for expired entries every TIMEOUT (whole seconds), then every TIMEOUT + 1 s.
    this.expireTimer = this.env.timer(() => {
      this.table.slim(this.nowMs());
      this.expireTimer!.scheduleAfter(BigInt(Math.floor(timeout / HZ) + 1) * 1_000_000_000n);
    });
    this.expireTimer.scheduleAfter(BigInt(Math.floor(timeout / HZ)) * 1_000_000_000n);
  }

  override held(): number {
    return this.table.waiting;
  }

  /**
   * Hot reconfiguration, as Click's ARPQuerier: an old ARPQuerier with the
   * same addresses hands over its table (answers and waiting packets) and
   * its query, response and drop counts.
   */
  override takeState(old: HostElement): void {
    if (!(old instanceof ARPQuerierElement) || old.myIP !== this.myIP || old.myBroadcast !== this.myBroadcast) return;
    if (old.conf.eth.some((b, i) => b !== this.conf.eth[i])) return;
    this.takePackets(old, this.table.takeFrom(old.table));
    this.queries = old.queries;
    this.responses = old.responses;
    this.drops = old.drops;
  }

  nowMs(): number {
    return Number(this.env.now() / 1_000_000n);
  }

  override push(port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      if (port === 0) this.handleIP(p, false, out);
      else this.handleResponse(p, out);
    }
  }

  private handleIP(p: Packet, response: boolean, out: Out): void {
    if (!this.myIP) {
      this.drops++;
      this.drop(p);
      return;
    }
    if (!response) {
      p.push(ETH.LEN);
      setMacHeader(p, 0, ETH.LEN);
      setU16(p.writable(), ETH.TYPE, ETHERTYPE_IP);
    }
    const d = p.writable();
    const dst = p.dstIP;
    const now = this.nowMs();
    for (;;) {
      const hit = this.table.lookup(dst, now, this.conf.pollTimeoutMs);
      if (hit) {
        d.set(hit.eth, ETH.DST);
        if (hit.poll) this.sendQuery(p, hit.eth, out);
      } else if (dst === 0xffffffff || dst === this.myBroadcast) {
        d.set(BROADCAST_ETHER, ETH.DST);
      } else if (isMulticast(dst)) {
        d.set([0x01, 0x00, 0x5e, (dst >>> 16) & 0x7f, (dst >>> 8) & 255, dst & 255], ETH.DST);
      } else if (dst === 0) {
        if (!this.zeroWarned) {
          this.env.stderr(`${this.name} :: ${this.className}: would query for 0.0.0.0; missing dest IP addr annotation?`);
          this.zeroWarned = true;
        }
        this.drops++;
        this.drop(p);
        return;
      } else {
        const r = this.table.appendQuery(dst, p, now);
        if (r === EAGAIN) continue;
        if (r < 0) this.drop(p);
        else if (r > 0) this.sendQuery(p, undefined, out);
        return;
      }
      break;
    }
    d.set(this.conf.eth, ETH.SRC);
    out.emit(0, p);
  }

  /** Send an ARP query for p's destination, to `unicast` if given (a renewal) or broadcast. */
  private sendQuery(p: Packet, unicast: Uint8Array | undefined, out: Out): void {
    const q = this.created(makeARPFrame(ARPOP_REQUEST, unicast && !this.conf.broadcastPoll ? unicast : BROADCAST_ETHER, this.conf.eth));
    const d = q.writable();
    const arp = ETH.LEN;
    setU32(d, arp + ARPH.SPA, this.myIP);
    setU32(d, arp + ARPH.TPA, p.dstIP);
    q.tsSec = p.tsSec;
    q.tsNsec = p.tsNsec;
    q.anno[ANNO.VLAN_TCI] = p.anno[ANNO.VLAN_TCI]!;
    q.anno[ANNO.VLAN_TCI + 1] = p.anno[ANNO.VLAN_TCI + 1]!;
    this.queries++;
    out.emit(this.noutputs - 1, q);
  }

  private handleResponse(p: Packet, out: Out): void {
    const d = p.data;
    if (d.length < ARP_FRAME_LEN) {
      this.drop(p);
      return;
    }
    this.responses++;
    const arp = ETH.LEN;
    const sha = d.slice(arp + ARPH.SHA, arp + ARPH.SHA + 6);
    if (getU16(d, ETH.TYPE) === ETHERTYPE_ARP && getU16(d, arp + ARPH.HRD) === ARPHRD_ETHER
      && getU16(d, arp + ARPH.PRO) === ETHERTYPE_IP && getU16(d, arp + ARPH.OP) === ARPOP_REPLY && (sha[0]! & 1) === 0) {
      const waiting = this.table.insert(getU32(d, arp + ARPH.SPA), sha, this.nowMs());
      this.consume(p);
      for (const w of waiting) this.handleIP(w, true, out);
      return;
    }
    this.consume(p);
  }

  /** The table handler's text. */
  tableText(): string {
    const now = this.nowMs();
    return this.table.entries()
      .map((e) => `${formatIPv4(e.ip)} ${this.table.isKnown(e, now) ? 1 : 0} ${unparseEther(e.eth)} ${formatAge(now - e.liveAt)}`)
      .join('\n');
  }
}

/** "IP ETH" or "IP" written to insert/delete. */
function parseWords(value: string, n: number): string[] {
  const words = splitWords(value).map((w) => unquote(w.text));
  if (words.length !== n) throw new HandlerError(n === 2 ? 'expected IP ETH' : 'expected IP');
  return words;
}

export const spec = defineElement({
  name: 'ARPQuerier',
  ports: '2/1-2',
  processing: 'h/h',
  flow: 'xy/x',
  args: {
    IP: a.mp(T.ipPrefix),
    ETH: a.mp(T.ether),
    CAPACITY: a.kw(T.unsigned, 2048),
    ENTRY_CAPACITY: a.kw(T.unsigned, 0),
    ENTRY_PACKET_CAPACITY: a.kw(T.unsigned, 0),
    CAPACITY_SLIM_FACTOR: a.kw(T.unsigned, 2),
    TIMEOUT: a.kw(T.interval, 300_000_000_000n),
    POLL_TIMEOUT: a.kw(T.interval, 60_000_000_000n),
    BROADCAST: a.ko(T.ip),
    BROADCAST_POLL: a.kw(T.bool, false),
  },
  configure: (v): ARPQuerierConf => {
    if (v.CAPACITY_SLIM_FACTOR === 0) throw new ConfigError('CAPACITY_SLIM_FACTOR cannot be zero');
    const ip = v.IP.addr;
    let broadcast = v.BROADCAST;
    if (broadcast === undefined) {
      broadcast = (ip | ~v.IP.mask) >>> 0;
      if (broadcast === ip) broadcast = 0xffffffff;
    }
    return {
      ip,
      eth: v.ETH,
      broadcast,
      capacity: v.CAPACITY,
      entryCapacity: v.ENTRY_CAPACITY,
      entryPacketCapacity: v.ENTRY_PACKET_CAPACITY,
      capacitySlimFactor: v.CAPACITY_SLIM_FACTOR,
      timeoutMs: intervalToMs(v.TIMEOUT),
      pollTimeoutMs: intervalToMs(v.POLL_TIMEOUT),
      broadcastPoll: v.BROADCAST_POLL,
    };
  },
  host: (init: ElementInit<ARPQuerierConf>) => new ARPQuerierElement(init),
  native: {
    source: nativeSource(import.meta.url, 'arp-querier.c'),
    prefix: 'arp_querier',
    hooks: { init: true, cleanup: true, timer: true, held: true, takeState: true },
    init: (c) =>
      [
        `.conf_ip = ${cU32(c.ip)}, .conf_broadcast = ${cU32(c.broadcast)}, .eth = ${cBytes(c.eth)}, .broadcast_poll = ${cBool(c.broadcastPoll)}`,
        `.capacity = ${cU32(c.capacity)}, .entry_capacity = ${cU32(c.entryCapacity)}, .entry_packet_capacity = ${cU32(c.entryPacketCapacity)}`,
        `.slim_factor = ${cU32(c.capacitySlimFactor)}, .timeout_ms = ${c.timeoutMs}LL, .poll_timeout_ms = ${c.pollTimeoutMs}LL`,
      ].join(',\n    '),
  },
  handlers: {
    table: { read: (e: ARPQuerierElement) => e.tableText(), doc: 'the ARP table: IP VALID ETH AGE' },
    stats: {
      read: (e: ARPQuerierElement) => `${e.drops + e.table.drops} packets killed\n${e.queries} ARP queries sent`,
      doc: 'packets killed and queries sent',
    },
    count: { read: (e: ARPQuerierElement) => String(e.table.entryCount), doc: 'entries in the table' },
    length: { read: (e: ARPQuerierElement) => String(e.table.packetCount), doc: 'packets waiting in the table' },
    queries: { read: (e: ARPQuerierElement) => String(e.queries), doc: 'queries sent' },
    responses: { read: (e: ARPQuerierElement) => String(e.responses), doc: 'responses received' },
    drops: { read: (e: ARPQuerierElement) => String(e.drops), doc: 'IP packets dropped by ARPQuerier itself' },
    ipaddr: ipField<ARPQuerierElement>('myIP', "this host's IP address"),
    broadcast: ipField<ARPQuerierElement>('myBroadcast', 'the local broadcast address'),
    insert: {
      write: (e: ARPQuerierElement, value: string) => {
        const [ip, eth] = parseWords(value, 2);
        // Packets waiting for the address stay queued, as in Click.
        e.table.insert(parseHandlerValue(T.ip, ip!), parseHandlerValue(T.ether, eth!), e.nowMs(), false);
      },
      doc: 'add an entry: IP ETH',
    },
    delete: {
      write: (e: ARPQuerierElement, value: string) => {
        const [ip] = parseWords(value, 1);
        e.table.insert(parseHandlerValue(T.ip, ip!), BROADCAST_ETHER, e.nowMs(), false);
      },
      doc: 'forget the entry for IP',
    },
    clear: {
      write: (e: ARPQuerierElement) => {
        e.queries = 0;
        e.drops = 0;
        e.responses = 0;
        e.table.clear();
      },
      doc: 'empty the table and zero the counters',
    },
  },
});
