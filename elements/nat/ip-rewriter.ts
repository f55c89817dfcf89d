/**
 * IPRewriter — network address and port translation for TCP and UDP.
 *
 * Synopsis:   IPRewriter(INPUTSPEC1, ..., INPUTSPECn [, keywords])
 * Ports:      one input per INPUTSPEC, 1 or more outputs; push.
 * Processing: packets need IP header annotations. A TCP or UDP packet
 *             (first fragment, 8+ transport bytes) whose flow
 *             (SADDR, SPORT, DADDR, DPORT) has a mapping is rewritten by it
 *             (addresses, ports, incremental checksum updates; a zero UDP
 *             checksum stays zero) and leaves on the mapping's output.
 *             Otherwise its input's spec decides:
 *               drop | discard                 drop the packet
 *               pass [OUTPUT]                  send it on unchanged, no mapping
 *               keep FOUT ROUT                 map the flow to itself
 *               pattern SADDR SPORT DADDR DPORT FOUT ROUT
 *                                              map to the pattern: `-` keeps a field;
 *                                              SPORT may be a range L-H (the packet's own
 *                                              port first if free, else random; `L-H#`
 *                                              sequential, `L-H?` random)
 *               pattern NAME FOUT ROUT         a pattern of an IPRewriterPatterns element
 *               MAPPER                         ask a RoundRobinIPMapper element
 *             A new mapping covers both directions: the flow goes to FOUT,
 *             its replies (to the rewritten flow's reverse) are rewritten
 *             back and go to ROUT. Other packets (not TCP/UDP, later
 *             fragments, short) are dropped unless their input is `pass`.
 *             TCP and UDP have separate tables. A mapping lives at least
 *             the guarantee after each packet, then its timeout: TCP flows
 *             use TCP_DONE_TIMEOUT after FIN/RST both ways, TCP_TIMEOUT
 *             with data both ways, else TCP_NODATA_TIMEOUT; UDP flows use
 *             UDP_STREAMING_TIMEOUT after 3+ packets with a reply, else
 *             UDP_TIMEOUT. Expired mappings are removed every REAP_INTERVAL,
 *             and the earliest-expiring when the table is over capacity.
 * Keywords:   TCP_TIMEOUT (or TIMEOUT; 24 h), TCP_DONE_TIMEOUT (240 s),
 *             TCP_NODATA_TIMEOUT (300 s), TCP_GUARANTEE (or GUARANTEE; 5 s),
 *             UDP_TIMEOUT (300 s), UDP_STREAMING_TIMEOUT (UDP_TIMEOUT),
 *             UDP_GUARANTEE (5 s), REAP_INTERVAL (or REAP_TIME; 15 min),
 *             MAPPING_CAPACITY (or CAPACITY; a number, or another rewriter
 *             whose flow set to share), DST_ANNO (true: set the destination
 *             annotation), REPLY_ANNO (annotation byte copied from a flow's
 *             first packet onto its replies).
 * Handlers:
 *   tcp_table, udp_table (read)   mappings, `(FLOW) => (NEWFLOW) [*F R] iN expSECS`
 *   tcp_mappings, udp_mappings    the same (Click's deprecated names)
 *   tcp_lookup SADDR SPORT DADDR DPORT (read)  the rewritten TCP flow, or empty
 *   nmappings, mapping_failures, size (read); capacity (read/write); clear (write)
 *   patterns (read)               each input spec, with ` [COUNT]` if it made mappings
 * Differences: tables list mappings in creation order (Click's hash order
 *             is not reproduced); random port choices use the engine's
 *             random numbers; named patterns and mappers are resolved at
 *             initialization; per-input `patternN` handlers are not
 *             provided; sequence-number deltas (set only by FTPPortMapper)
 *             are not supported; a packet without an IP header (Click
 *             crashes) is dropped.
 */

import { a, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { ElementInit, Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement, HandlerError } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { parseClickIP, parseClickInt } from '../lib/ip-route.js';
import type { HeaderPositions } from '../lib/packet-headers.js';
import { be16, be32, isFirstFragment } from '../lib/transport-checksum.js';
import { flowKey, unparseFlow, type FlowID } from './flow-id.js';
import { applyTCP, applyUDP, TCP_BOTH_DATA, TCP_BOTH_DONE, udpStreaming } from './rewriter-apply.js';
import {
  baseKeywords,
  configureBase,
  MAPID_DEFAULT,
  MAPID_IPREWRITER_UDP,
  replyAnnoKeyword,
  RewriterBase,
  rewriterBaseHandlers,
  secondsArg,
  type RewriterBaseConf,
  type RewriterInput,
} from './rewriter-base.js';
import type { Entry, Flow } from './rewriter-flow.js';
import { rewriterNative } from './rewriter-native.js';

interface IPRewriterConf extends RewriterBaseConf {
  /** Seconds. */
  readonly tcpDataTimeout: number;
  readonly tcpDoneTimeout: number;
  readonly udpTimeouts: [number, number];
  readonly udpStreamingTimeout: number;
}

const args = {
  UDP_TIMEOUT: a.kw(secondsArg, 300),
  UDP_STREAMING_TIMEOUT: a.ko(secondsArg),
  UDP_GUARANTEE: a.kw(secondsArg, 5),
  TCP_NODATA_TIMEOUT: a.kw(secondsArg, 300),
  TCP_GUARANTEE: a.ko(secondsArg),
  TIMEOUT: a.ko(secondsArg),
  TCP_TIMEOUT: a.ko(secondsArg),
  TCP_DONE_TIMEOUT: a.kw(secondsArg, 240),
  DST_ANNO: a.kw(T.bool, true),
  ...replyAnnoKeyword,
  ...baseKeywords,
  INPUTSPEC: a.rest(T.raw),
};

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): IPRewriterConf {
  const annos = (v.DST_ANNO ? 1 : 0) + (v.REPLY_ANNO !== undefined ? 2 + (v.REPLY_ANNO << 2) : 0);
  const base = configureBase(v, ctx, { timeout: v.TCP_NODATA_TIMEOUT, guarantee: v.TCP_GUARANTEE ?? 5 }, annos);
  return {
    ...base,
    tcpDataTimeout: v.TCP_TIMEOUT ?? v.TIMEOUT ?? 86400,
    tcpDoneTimeout: v.TCP_DONE_TIMEOUT,
    udpTimeouts: [v.UDP_TIMEOUT, v.UDP_GUARANTEE],
    udpStreamingTimeout: v.UDP_STREAMING_TIMEOUT ?? v.UDP_TIMEOUT,
  };
}

export class IPRewriterElement extends RewriterBase<IPRewriterConf> {
  /** Click's _map (TCP) and _udp_map. */
  readonly tcpMap = new Map<string, Entry>();
  readonly udpMap = new Map<string, Entry>();
  private readonly jt: { data: number; done: number; udp: [number, number]; udpStreaming: number };

  constructor(init: ElementInit<IPRewriterConf>) {
    super(init);
    const c = this.conf;
    this.jt = { data: c.tcpDataTimeout * 1000, done: c.tcpDoneTimeout * 1000, udp: [c.udpTimeouts[0] * 1000, c.udpTimeouts[1] * 1000], udpStreaming: c.udpStreamingTimeout * 1000 };
  }

  override getMap(mapid: number): Map<string, Entry> | undefined {
    return mapid === MAPID_DEFAULT ? this.tcpMap : mapid === MAPID_IPREWRITER_UDP ? this.udpMap : undefined;
  }

  private tcpFlowTimeout(f: Flow): number {
    if ((f.tflags & TCP_BOTH_DONE) === TCP_BOTH_DONE) return this.jt.done;
    if ((f.tflags & TCP_BOTH_DATA) === TCP_BOTH_DATA) return this.jt.data;
    return this.timeouts[0];
  }

  private udpFlowTimeout(f: Flow): number {
    return udpStreaming(f) ? this.jt.udpStreaming : this.jt.udp[0];
  }

  override bestEffortExpiry(f: Flow): number {
    if (f.ipP === 6) return f.expiry + this.tcpFlowTimeout(f) - this.timeouts[1];
    return f.expiry + this.udpFlowTimeout(f) - this.jt.udp[1];
  }

  protected override flowMaps(f: Flow): [Map<string, Entry>, Map<string, Entry>] {
    const map = f.ipP === 6 ? this.tcpMap : this.udpMap;
    return [map, map];
  }

  override destroyFlow(f: Flow): void {
    const map = f.ipP === 6 ? this.tcpMap : this.udpMap;
    this.unmapFlow(f, map, map);
  }

  private addFlow(proto: number, flowid: FlowID, rewritten: FlowID, input: RewriterInput): Entry | undefined {
    const flow = this.newFlow(input, flowid, rewritten, proto, proto === 6 ? this.timeouts : this.jt.udp);
    const map = proto === 6 ? this.tcpMap : this.udpMap;
    return this.storeFlow(flow, input, map, map);
  }

  protected override rewrite(port: number, p: Packet, h: HeaderPositions, out: Out): void {
    const proto = h.buf[h.ip + 9]!;
    const spec = this.inputSpecs[port]!;
    if ((proto !== 6 && proto !== 17) || !isFirstFragment(h.buf, h.ip) || h.end - h.trans < 8) {
      if (spec.spec.kind === 'nochange') this.emitOrDrop(out, spec.foutput, p);
      else this.drop(p);
      return;
    }
    const flowid: FlowID = { saddr: be32(h.buf, h.ip + 12), sport: be16(h.buf, h.trans), daddr: be32(h.buf, h.ip + 16), dport: be16(h.buf, h.trans + 2) };
    const map = proto === 6 ? this.tcpMap : this.udpMap;
    const mapid = proto === 6 ? MAPID_DEFAULT : MAPID_IPREWRITER_UDP;
    const m = map.get(flowKey(flowid)) ?? this.newMapping(spec, flowid, mapid, p, out, (rewritten) => this.addFlow(proto, flowid, rewritten, spec));
    if (!m) return;
    const f = m.flow;
    const now = this.jiffies();
    if (proto === 6) {
      applyTCP(f, p, h, m.direction, this.conf.annos);
      if (this.timeouts[1]) this.heap.changeExpiry(f, true, now + this.timeouts[1]);
      else this.heap.changeExpiry(f, false, now + this.tcpFlowTimeout(f));
    } else {
      applyUDP(f, p, h, m.direction, this.conf.annos);
      if (this.jt.udp[1]) this.heap.changeExpiry(f, true, now + this.jt.udp[1]);
      else this.heap.changeExpiry(f, false, now + this.udpFlowTimeout(f));
    }
    out.emit(m.output, p);
  }

  table(map: Map<string, Entry>): string {
    const now = this.jiffies();
    let s = '';
    for (const e of map.values()) {
      s += `${unparseFlow(e.flowid)} => ${unparseFlow(e.flow.rewrittenFlowid(e.direction))}${this.unparsePorts(e.flow, e.direction, now)}\n`;
    }
    return s;
  }

  tcpLookup(param: string): string {
    const w = param.trim().split(/\s+/);
    const saddr = parseClickIP(w[0] ?? '');
    const daddr = parseClickIP(w[2] ?? '');
    const sport = tcpPort(w[1]);
    const dport = tcpPort(w[3]);
    if (w.length !== 4 || saddr === undefined || daddr === undefined || sport === undefined || dport === undefined) {
      throw new HandlerError('expected SADDR SPORT DADDR DPORT');
    }
    const e = this.tcpMap.get(flowKey({ saddr, sport, daddr, dport }));
    if (!e) return '';
    const r = e.flow.rewrittenFlowid(e.direction);
    return unparseFlowWords(r);
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

function unparseFlowWords(f: FlowID): string {
  const ip = (x: number) => `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
  return `${ip(f.saddr)} ${f.sport} ${ip(f.daddr)} ${f.dport}`;
}

export const spec = anySpec(defineElement<typeof args, IPRewriterConf, IPRewriterElement>({
  name: 'IPRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  handlers: {
    tcp_table: { read: (e) => e.table(e.tcpMap), doc: 'TCP mappings' },
    udp_table: { read: (e) => e.table(e.udpMap), doc: 'UDP mappings' },
    tcp_mappings: { read: (e) => e.table(e.tcpMap), doc: 'TCP mappings (deprecated name)' },
    udp_mappings: { read: (e) => e.table(e.udpMap), doc: 'UDP mappings (deprecated name)' },
    tcp_lookup: { readParam: (e, param) => e.tcpLookup(param), doc: 'tcp_lookup SADDR SPORT DADDR DPORT: the rewritten flow' },
    ...rewriterBaseHandlers,
  },
  host: (init) => new IPRewriterElement(init),
  native: rewriterNative<IPRewriterConf>(import.meta.url, 'ip-rewriter.c', 'ip_rewriter', 'ipRewriter', (c) => [
    `.tcp_data = ${c.tcpDataTimeout * 1000}, .tcp_done = ${c.tcpDoneTimeout * 1000}`,
    `.udp = { ${c.udpTimeouts[0] * 1000}, ${c.udpTimeouts[1] * 1000} }, .udp_streaming = ${c.udpStreamingTimeout * 1000}`,
  ]),
}));
