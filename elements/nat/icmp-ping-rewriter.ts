/**
 * ICMPPingRewriter — address and identifier translation for ICMP echoes.
 *
 * Synopsis:   ICMPPingRewriter(INPUTSPEC1, ..., INPUTSPECn [, keywords])
 * Ports:      one input per INPUTSPEC, 1 or more outputs; push.
 * Processing: packets need IP header annotations. A flow is an echo
 *             request's source, destination and identifier; its echo replies
 *             come back to the rewritten source with the rewritten
 *             identifier. An echo request with no mapping is mapped by its
 *             input's spec, as IPRewriter's (in a pattern the source port
 *             stands for the identifier: `pattern SADDR ID DADDR - F R`, or
 *             `pattern SADDR DADDR ID F R`; `-` keeps it, a range picks a free
 *             one). Mapped packets get new addresses and identifier, the IP
 *             and ICMP checksums updated incrementally, and leave on the
 *             mapping's output. Unmapped echo replies, other ICMP types,
 *             other protocols, later fragments and packets under 6 ICMP
 *             bytes are dropped, or sent on by a `pass` input. A mapping
 *             lives GUARANTEE after each packet, then TIMEOUT.
 * Keywords:   TIMEOUT (300 s), GUARANTEE (5 s), REAP_INTERVAL (or
 *             REAP_TIME; 15 min), MAPPING_CAPACITY (or CAPACITY), DST_ANNO
 *             (true), REPLY_ANNO (annotation byte carried to replies).
 * Handlers:
 *   table, mappings (read)   `(SADDR, DADDR, ID) => (SADDR', DADDR', ID') [*F R] iN expSECS`
 *   nmappings, mapping_failures, size (read); capacity (read/write); clear (write)
 *   patterns (read)          each input spec, with ` [COUNT]` if it made mappings
 *   patternN (read/write)    input spec N; a write replaces it, removing its flows
 *   table_size (read)        as nmappings (Click's name)
 * Differences: as IPRewriter (table order, engine random numbers,
 *             resolution at initialization, patternN writes, a packet
 *             without IP header dropped).
 */

import { a, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { unparseIP } from '../lib/ip-route.js';
import type { HeaderPositions } from '../lib/packet-headers.js';
import { be16, be32, isFirstFragment } from '../lib/transport-checksum.js';
import { flowKey, rawPortPlusOne, type FlowID } from './flow-id.js';
import { applyICMPPing } from './rewriter-apply.js';
import { annoBits, baseKeywords, configureBase, GET_ENTRY_REPLY, MAPID_DEFAULT, OneMapRewriter, replyAnnoKeyword, rewriterBaseHandlers, RW_ADDMAP, secondsArg, type RewriterBaseConf, type RewriterInput, rewriterInstanceHandlers } from './rewriter-base.js';
import type { Entry } from './rewriter-flow.js';
import { rewriterNative } from './rewriter-native.js';

const ICMP = 1;
const ECHO = 8;
const ECHO_REPLY = 0;

const args = {
  DST_ANNO: a.kw(T.bool, true),
  ...replyAnnoKeyword,
  TIMEOUT: a.kw(secondsArg, 300),
  ...baseKeywords,
  INPUTSPEC: a.rest(T.raw),
};

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): RewriterBaseConf {
  const annos = annoBits(v.DST_ANNO, v.REPLY_ANNO);
  return configureBase(v, ctx, { timeout: v.TIMEOUT, guarantee: 5 }, annos);
}

export class ICMPPingRewriterElement extends OneMapRewriter {

  private addFlow(flowid: FlowID, rewritten: FlowID, input: RewriterInput): Entry | undefined {
    // The reply's flow ID swaps the identifiers, so the destination "port" is the identifier plus one.
    const r = { ...rewritten, dport: rawPortPlusOne(rewritten.sport) };
    if (rawPortPlusOne(flowid.sport) !== flowid.dport) return undefined;
    return this.storeFlow(this.newFlow(input, flowid, r, ICMP, this.timeouts), input, this.map, this.map);
  }

  override getEntry(proto: number, flowid: FlowID, input: number): Entry | undefined {
    if (proto !== ICMP) return undefined;
    // A reply's key swaps the identifier and the identifier plus one.
    const reply = input === GET_ENTRY_REPLY;
    const id = reply ? { ...flowid, sport: rawPortPlusOne(flowid.sport), dport: flowid.sport } : { ...flowid, dport: rawPortPlusOne(flowid.sport) };
    const m = this.map.get(flowKey(id));
    const spec = this.inputSpecs[input];
    if (m || !spec) return m;
    const r = spec.rewriteFlowid(id, MAPID_DEFAULT);
    return r.result === RW_ADDMAP ? this.addFlow(id, r.flowid, spec) : undefined;
  }

  protected override rewrite(port: number, p: Packet, h: HeaderPositions, out: Out): void {
    const spec = this.inputSpecs[port]!;
    const type = h.buf[h.trans];
    const fail = () => (spec.spec.kind === 'nochange' ? this.emitOrDrop(out, spec.foutput, p) : this.drop(p));
    if (h.buf[h.ip + 9] !== ICMP || !isFirstFragment(h.buf, h.ip) || h.end - h.trans < 6 || (type !== ECHO && type !== ECHO_REPLY)) return fail();
    const echo = type === ECHO;
    const id = be16(h.buf, h.trans + 4);
    const flowid: FlowID = { saddr: be32(h.buf, h.ip + 12), sport: echo ? id : rawPortPlusOne(id), daddr: be32(h.buf, h.ip + 16), dport: echo ? rawPortPlusOne(id) : id };
    let m = this.map.get(flowKey(flowid));
    if (!m && !echo) return fail();
    m ??= this.newMapping(spec, flowid, MAPID_DEFAULT, p, out, (rewritten) => this.addFlow(flowid, rewritten, spec));
    if (!m) return;
    applyICMPPing(m.flow, p, h, m.direction, this.conf.annos);
    const [timeout, guarantee] = this.timeouts;
    this.heap.changeExpiry(m.flow, guarantee !== 0, this.jiffies() + (guarantee || timeout));
    out.emit(m.output, p);
  }

  table(): string {
    const now = this.jiffies();
    let s = '';
    for (const e of this.map.values()) {
      const r = e.flow.rewrittenFlowid(e.direction);
      s += `(${unparseIP(e.flowid.saddr)}, ${unparseIP(e.flowid.daddr)}, ${e.flowid.sport}) => (${unparseIP(r.saddr)}, ${unparseIP(r.daddr)}, ${r.sport})`;
      s += `${this.unparsePorts(e.flow, e.direction, now)}\n`;
    }
    return s;
  }
}

export const spec = anySpec(defineElement<typeof args, RewriterBaseConf, ICMPPingRewriterElement>({
  name: 'ICMPPingRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  instanceHandlers: (_c, ports) => rewriterInstanceHandlers(ports.ninputs),
  handlers: {
    table: { read: (e) => e.table(), doc: 'echo mappings' },
    mappings: { read: (e) => e.table(), doc: 'echo mappings (deprecated name)' },
    ...rewriterBaseHandlers,
  },
  sharedState: ['random'],   // random identifiers come from the router's sequence
  host: (init) => new ICMPPingRewriterElement(init),
  native: rewriterNative(import.meta.url, 'icmp-ping-rewriter.c', 'icmp_ping_rewriter', 'icmpPing'),
}));
