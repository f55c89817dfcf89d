// What IPRewriter, UDPRewriter and TCPRewriter share: rewriting addresses
// and ports of TCP/UDP flows, their connection-state timeouts, the flow
// tables as text and the TCP lookup handler. The three differ in which
// protocols they take, whether TCP and UDP have separate tables, and which
// flows are rewritten the TCP way (state from flags, sequence deltas):
//   ip   TCP and UDP, two tables; TCP flows the TCP way (IPRewriter)
//   udp  TCP, UDP and DCCP, one table, all the UDP way (UDPRewriter)
//   tcp  TCP only, one table (TCPRewriter)

import { a } from '../../config-lang/args/args.js';
import type { ElementInit, Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { HandlerError } from '../spec.js';
import { parseClickIP, parseClickInt, unparseIP } from '../lib/ip-route.js';
import type { HeaderPositions } from '../lib/packet-headers.js';
import { be16, be32, isFirstFragment } from '../lib/transport-checksum.js';
import { flowKey, unparseFlow, type FlowID } from './flow-id.js';
import { applyTCP, applyUDP, TCP_BOTH_DATA, TCP_BOTH_DONE, udpStreaming } from './rewriter-apply.js';
import { RewriterBase, RW_ADDMAP, secondsArg, type RewriterBaseConf, type RewriterInput } from './rewriter-base.js';
import type { Entry, Flow } from './rewriter-flow.js';
import { rewriterNative, type RewriterKind } from './rewriter-native.js';

export type PortRewriterVariant = 'ip' | 'udp' | 'tcp';

export interface PortRewriterConf extends RewriterBaseConf {
  /** Seconds; the TCP no-data timeout and TCP guarantee are the base timeouts (ip, tcp). */
  readonly tcpDataTimeout: number;
  readonly tcpDoneTimeout: number;
  /** Seconds: [timeout, guarantee] of UDP flows (the base timeouts for udp). */
  readonly udpTimeouts: [number, number];
  readonly udpStreamingTimeout: number;
}

/** The TCP timing keywords IPRewriter and TCPRewriter read, in Click's order. */
export const tcpKeywords = {
  TCP_NODATA_TIMEOUT: a.kw(secondsArg, 300),
  TCP_GUARANTEE: a.ko(secondsArg),
  TIMEOUT: a.ko(secondsArg),
  TCP_TIMEOUT: a.ko(secondsArg),
  TCP_DONE_TIMEOUT: a.kw(secondsArg, 240),
};

const TCP = 6;
const UDP = 17;
const DCCP = 33;

export abstract class PortRewriter<C extends PortRewriterConf> extends RewriterBase<C> {
  /** Click's _map (TCP for IPRewriter), and IPRewriter's _udp_map. */
  readonly maps: Map<string, Entry>[];
  private readonly jt: { data: number; done: number; udp: [number, number]; udpStreaming: number };

  constructor(init: ElementInit<C>, readonly variant: PortRewriterVariant) {
    super(init);
    const c = this.conf;
    this.maps = variant === 'ip' ? [new Map(), new Map()] : [new Map()];
    this.jt = { data: c.tcpDataTimeout * 1000, done: c.tcpDoneTimeout * 1000, udp: [c.udpTimeouts[0] * 1000, c.udpTimeouts[1] * 1000], udpStreaming: c.udpStreamingTimeout * 1000 };
  }

  override getMap(mapid: number): Map<string, Entry> | undefined {
    return this.maps[mapid];
  }

  private accepts(proto: number): boolean {
    return proto === TCP || (this.variant !== 'tcp' && proto === UDP) || (this.variant === 'udp' && proto === DCCP);
  }

  private mapIndex(proto: number): number {
    return this.variant === 'ip' && proto !== TCP ? 1 : 0;
  }

  /** Whether a flow of this protocol is rewritten, and timed, the TCP way. */
  private tcpWay(proto: number): boolean {
    return this.variant === 'tcp' || (this.variant === 'ip' && proto === TCP);
  }

  private timeoutsOf(proto: number): readonly [number, number] {
    return this.tcpWay(proto) ? this.timeouts : this.jt.udp;
  }

  private flowTimeout(f: Flow): number {
    if (!this.tcpWay(f.ipP)) return udpStreaming(f) ? this.jt.udpStreaming : this.jt.udp[0];
    if ((f.tflags & TCP_BOTH_DONE) === TCP_BOTH_DONE) return this.jt.done;
    if ((f.tflags & TCP_BOTH_DATA) === TCP_BOTH_DATA) return this.jt.data;
    return this.timeouts[0];
  }

  override bestEffortExpiry(f: Flow): number {
    return f.expiry + this.flowTimeout(f) - this.timeoutsOf(f.ipP)[1];
  }

  /** Hot reconfiguration (IPRewriter, UDPRewriter, TCPRewriter; the native dataplane's take_state does the same): where a taken flow goes. */
  protected override flowMaps(f: Flow): [Map<string, Entry>, Map<string, Entry>] | undefined {
    const map = this.maps[this.mapIndex(f.ipP)]!;
    return [map, map];
  }

  override destroyFlow(f: Flow): void {
    const map = this.maps[this.mapIndex(f.ipP)]!;
    this.unmapFlow(f, map, map);
  }

  protected override rewrite(port: number, p: Packet, h: HeaderPositions, out: Out): void {
    const proto = h.buf[h.ip + 9]!;
    const spec = this.inputSpecs[port]!;
    if (!this.accepts(proto) || !isFirstFragment(h.buf, h.ip) || h.end - h.trans < 8) {
      if (spec.spec.kind === 'nochange') this.emitOrDrop(out, spec.foutput, p);
      else this.drop(p);
      return;
    }
    const flowid: FlowID = { saddr: be32(h.buf, h.ip + 12), sport: be16(h.buf, h.trans), daddr: be32(h.buf, h.ip + 16), dport: be16(h.buf, h.trans + 2) };
    const mapid = this.mapIndex(proto);
    const map = this.maps[mapid]!;
    const timeouts = this.timeoutsOf(proto);
    const m = map.get(flowKey(flowid)) ?? this.newMapping(spec, flowid, mapid, p, out, (rewritten) => this.addFlow(proto, flowid, rewritten, spec, map));
    if (!m) return;
    const f = m.flow;
    if (this.tcpWay(proto)) applyTCP(f, p, h, m.direction, this.conf.annos);
    else applyUDP(f, p, h, m.direction, this.conf.annos);
    const now = this.jiffies();
    if (timeouts[1]) this.heap.changeExpiry(f, true, now + timeouts[1]);
    else this.heap.changeExpiry(f, false, now + this.flowTimeout(f));
    out.emit(m.output, p);
  }

  /** In the table of protocol `proto` (RewriterBase.getEntry). */
  override getEntry(proto: number, flowid: FlowID, input: number): Entry | undefined {
    if (this.variant === 'ip' && proto !== TCP && proto !== UDP) return undefined;
    const mapid = this.mapIndex(proto);
    const map = this.maps[mapid]!;
    const m = map.get(flowKey(flowid));
    if (m) return proto && m.flow.ipP && m.flow.ipP !== proto ? undefined : m;
    const spec = this.inputSpecs[input];
    if (!spec) return undefined;
    const r = spec.rewriteFlowid(flowid, mapid);
    return r.result === RW_ADDMAP ? this.addFlow(proto, flowid, r.flowid, spec, map) : undefined;
  }

  private addFlow(proto: number, flowid: FlowID, rewritten: FlowID, input: RewriterInput, map: Map<string, Entry>): Entry | undefined {
    // TCPRewriter's flows are TCP flows whatever the packet (it takes TCP only).
    const flow = this.newFlow(input, flowid, rewritten, this.variant === 'tcp' ? TCP : proto, this.timeoutsOf(proto));
    return this.storeFlow(flow, input, map, map);
  }

  /** A table's mappings, `(FLOW) => (NEWFLOW)[ seq ±DELTA] [*F R] iN expSECS` each. */
  table(mapid = 0): string {
    const now = this.jiffies();
    let s = '';
    for (const e of this.maps[mapid]!.values()) {
      const delta = e.flow.dt?.shownDelta(e.direction ? 1 : 0) ?? 0;
      const seq = delta ? ` seq ${delta > 0 ? '+' : ''}${delta}` : '';
      s += `${unparseFlow(e.flowid)} => ${unparseFlow(e.flow.rewrittenFlowid(e.direction))}${seq}${this.unparsePorts(e.flow, e.direction, now)}\n`;
    }
    return s;
  }

  /** `SADDR SPORT DADDR DPORT`: the rewritten TCP flow as four words, or empty. */
  tcpLookup(param: string): string {
    const w = param.trim().split(/\s+/);
    const saddr = parseClickIP(w[0] ?? '');
    const daddr = parseClickIP(w[2] ?? '');
    const sport = tcpPort(w[1]);
    const dport = tcpPort(w[3]);
    if (w.length !== 4 || saddr === undefined || daddr === undefined || sport === undefined || dport === undefined) {
      throw new HandlerError('expected SADDR SPORT DADDR DPORT');
    }
    const e = this.maps[0]!.get(flowKey({ saddr, sport, daddr, dport }));
    if (!e) return '';
    const r = e.flow.rewrittenFlowid(e.direction);
    return `${unparseIP(r.saddr)} ${r.sport} ${unparseIP(r.daddr)} ${r.dport}`;
  }
}

/** A TCP port: a number 0-65535 or one of Click's well-known names. */
const PORT_NAMES: Record<string, number> = {
  auth: 113, bootpc: 68, bootps: 67, chargen: 19, daytime: 13, discard: 9, dns: 53, domain: 53, echo: 7, finger: 79,
  ftp: 21, 'ftp-data': 20, https: 443, imap3: 220, imaps: 993, irc: 194, 'netbios-dgm': 138, 'netbios-ns': 137,
  'netbios-ssn': 139, nntp: 119, ntp: 123, pop3: 110, pop3s: 995, pptp: 1723, rip: 520, route: 520, smtp: 25, snmp: 161,
  'snmp-trap': 162, ssh: 22, sunrpc: 111, telnet: 23, tftp: 69, www: 80,
};

function tcpPort(w: string | undefined): number | undefined {
  if (w === undefined) return undefined;
  const v = Object.hasOwn(PORT_NAMES, w) ? PORT_NAMES[w] : parseClickInt(w);
  return v !== undefined && v >= 0 && v <= 65535 ? v : undefined;
}

/** The native entry of a port rewriter: the timeouts of both protocols. */
export function portRewriterNative<C extends PortRewriterConf>(moduleUrl: string, file: string, prefix: string, kind: RewriterKind): ReturnType<typeof rewriterNative<C>> {
  return rewriterNative<C>(moduleUrl, file, prefix, kind, (c) => [
    `.tcp_data = ${c.tcpDataTimeout * 1000}, .tcp_done = ${c.tcpDoneTimeout * 1000}`,
    `.udp = { ${c.udpTimeouts[0] * 1000}, ${c.udpTimeouts[1] * 1000} }, .udp_streaming = ${c.udpStreamingTimeout * 1000}`,
  ]);
}
