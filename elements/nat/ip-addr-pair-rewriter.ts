/**
 * IPAddrPairRewriter — NAT of (source, destination) address pairs, any protocol.
 *
 * Synopsis:   IPAddrPairRewriter(INPUTSPEC1, ..., INPUTSPECn [, keywords])
 * Ports:      one input per INPUTSPEC, 1 or more outputs; push.
 * Processing: packets need IP header annotations. A mapping is keyed by a
 *             packet's source and destination addresses (ports and protocol
 *             play no part). A packet with a forward mapping gets the new
 *             addresses and goes to the mapping's forward output; a packet
 *             that is the reverse of a rewritten pair gets the original
 *             addresses back and goes to the reply output. Both directions
 *             set the destination annotation. IP and, for first fragments,
 *             TCP/UDP checksums are updated incrementally (a zero UDP
 *             checksum stays zero); ports are never changed. Unmapped
 *             packets follow their input's spec (`drop`, `pass OUTPUT`,
 *             `keep FOUT ROUT`, `pattern SADDR[-SADDR2|/PREFIX][#] DADDR FOUT
 *             ROUT` with `-` for the ports or none at all, `pattern NAME
 *             FOUT ROUT`, or a mapper element); a pattern that changes a port
 *             makes no mapping. A mapping lives GUARANTEE after each packet,
 *             then TIMEOUT; expired mappings are reaped every REAP_INTERVAL.
 * Keywords:   TIMEOUT (2 hours), GUARANTEE (5 s), REAP_INTERVAL (or
 *             REAP_TIME; 15 min), MAPPING_CAPACITY (or CAPACITY), REPLY_ANNO
 *             (annotation byte carried to replies).
 * Handlers:
 *   table, mappings (read)    `(SRC, DST) => (NEWSRC, NEWDST) [*F R] iN expSECS` per entry
 *   nmappings, mapping_failures, size (read); capacity (read/write); clear (write)
 *   patterns (read)           each input spec, with ` [COUNT]` if it made mappings
 *   patternN (read/write)     input spec N; a write replaces it, removing its flows
 *   table_size (read)         as nmappings (Click's name)
 * Differences: as IPRewriter (table order, random choice, resolution at
 *             initialization, patternN writes, missing IP header dropped).
 */

import { a, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import type { Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { unparseIP } from '../lib/ip-route.js';
import type { HeaderPositions } from '../lib/packet-headers.js';
import { be32 } from '../lib/transport-checksum.js';
import { T } from '../../config-lang/args/types.js';
import { flowKey, type FlowID } from './flow-id.js';
import { applyAddrPair } from './rewriter-apply.js';
import { annoBits, baseKeywords, configureBase, MAPID_DEFAULT, OneMapRewriter, replyAnnoKeyword, rewriterBaseHandlers, RW_ADDMAP, secondsArg, type RewriterBaseConf, type RewriterInput, rewriterInstanceHandlers } from './rewriter-base.js';
import type { Entry } from './rewriter-flow.js';
import { rewriterNative } from './rewriter-native.js';

const args = {
  ...replyAnnoKeyword,
  ...baseKeywords,
  TIMEOUT: a.kw(secondsArg, 7200),
  INPUTSPEC: a.rest(T.raw),
};

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): RewriterBaseConf {
  return configureBase(v, ctx, { timeout: v.TIMEOUT, guarantee: 5 }, annoBits(true, v.REPLY_ANNO));
}

export class IPAddrPairRewriterElement extends OneMapRewriter {

  private addFlow(flowid: FlowID, rewritten: FlowID, input: RewriterInput): Entry | undefined {
    // Ports stay as they are.
    if (rewritten.sport || rewritten.dport) return undefined;
    return this.storeFlow(this.newFlow(input, flowid, rewritten, 0, this.timeouts), input, this.map, this.map);
  }

  override getEntry(_proto: number, flowid: FlowID, input: number): Entry | undefined {
    const id: FlowID = { saddr: flowid.saddr, sport: 0, daddr: flowid.daddr, dport: 0 };
    const m = this.map.get(flowKey(id));
    const spec = this.inputSpecs[input];
    if (m || !spec) return m;
    const r = spec.rewriteFlowid(id, MAPID_DEFAULT);
    return r.result === RW_ADDMAP ? this.addFlow(id, r.flowid, spec) : undefined;
  }

  protected override rewrite(port: number, p: Packet, h: HeaderPositions, out: Out): void {
    const flowid: FlowID = { saddr: be32(h.buf, h.ip + 12), sport: 0, daddr: be32(h.buf, h.ip + 16), dport: 0 };
    const spec = this.inputSpecs[port]!;
    const m = this.map.get(flowKey(flowid)) ?? this.newMapping(spec, flowid, MAPID_DEFAULT, p, out, (rewritten) => this.addFlow(flowid, rewritten, spec));
    if (!m) return;
    applyAddrPair(m.flow, p, h, m.direction, this.conf.annos);
    const [timeout, guarantee] = this.timeouts;
    this.heap.changeExpiry(m.flow, guarantee !== 0, this.jiffies() + (guarantee || timeout));
    out.emit(m.output, p);
  }

  table(): string {
    const now = this.jiffies();
    let s = '';
    for (const e of this.map.values()) {
      const r = e.flow.rewrittenFlowid(e.direction);
      s += `(${unparseIP(e.flowid.saddr)}, ${unparseIP(e.flowid.daddr)}) => (${unparseIP(r.saddr)}, ${unparseIP(r.daddr)})`;
      s += `${this.unparsePorts(e.flow, e.direction, now)}\n`;
    }
    return s;
  }
}

export const spec = anySpec(defineElement<typeof args, RewriterBaseConf, IPAddrPairRewriterElement>({
  name: 'IPAddrPairRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  instanceHandlers: (_c, ports) => rewriterInstanceHandlers(ports.ninputs),
  handlers: {
    table: { read: (e) => e.table(), doc: 'address pair mappings' },
    mappings: { read: (e) => e.table(), doc: 'address pair mappings (deprecated name)' },
    ...rewriterBaseHandlers,
  },
  sharedState: ['random'],   // random addresses come from the router's sequence
  host: (init) => new IPAddrPairRewriterElement(init),
  native: rewriterNative(import.meta.url, 'ip-addr-pair-rewriter.c', 'ip_addr_pair_rewriter', 'addrPair'),
}));
