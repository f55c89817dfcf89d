/**
 * IPAddrRewriter — basic NAT: rewrite IP source addresses, any protocol.
 *
 * Synopsis:   IPAddrRewriter(INPUTSPEC1, ..., INPUTSPECn [, keywords])
 * Ports:      one input per INPUTSPEC, 1 or more outputs; push.
 * Processing: packets need IP header annotations. A packet whose source
 *             address has a mapping has it rewritten and goes to the
 *             mapping's forward output; a packet whose destination is a
 *             mapped new address gets the original address back (and the
 *             destination annotation) and goes to the reply output. IP and
 *             TCP/UDP checksums are updated incrementally (a zero UDP
 *             checksum stays zero). Unmapped packets follow their input's
 *             spec: `drop`, `pass OUTPUT`, `keep FOUT ROUT`,
 *             `pattern SADDR[-SADDR2|/PREFIX][#] - FOUT ROUT` (choose a free
 *             address, sequentially with `#`, else at random),
 *             `pattern NAME FOUT ROUT`, or a mapper element. A mapping lives
 *             GUARANTEE after each packet, then TIMEOUT; expired mappings
 *             are reaped every REAP_INTERVAL.
 * Keywords:   TIMEOUT (2 hours, Click's code default), GUARANTEE (5 s),
 *             REAP_INTERVAL (or REAP_TIME; 15 min), MAPPING_CAPACITY (or
 *             CAPACITY), REPLY_ANNO (annotation byte carried to replies).
 * Handlers:
 *   table, mappings (read)    `OLDADDR => NEWADDR [*F R] iN expSECS` per entry
 *   nmappings, mapping_failures, size (read); capacity (read/write); clear (write)
 *   patterns (read)           each input spec, with ` [COUNT]` if it made mappings
 *   patternN (read/write)     input spec N; a write replaces it, removing its flows
 *   table_size (read)         as nmappings (Click's name)
 * Differences: as IPRewriter (table order, random choice, resolution at
 *             initialization, patternN writes, missing IP header dropped).
 */

import { a, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { unparseIP } from '../lib/ip-route.js';
import type { HeaderPositions } from '../lib/packet-headers.js';
import { be32 } from '../lib/transport-checksum.js';
import { flowKey, type FlowID } from './flow-id.js';
import { applyAddr } from './rewriter-apply.js';
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
  const annos = annoBits(true, v.REPLY_ANNO);
  return configureBase(v, ctx, { timeout: v.TIMEOUT, guarantee: 5 }, annos);
}

export class IPAddrRewriterElement extends OneMapRewriter {

  private addFlow(flowid: FlowID, rewritten: FlowID, input: RewriterInput): Entry | undefined {
    // Only the source address may change.
    if (rewritten.sport || rewritten.dport || rewritten.daddr) return undefined;
    return this.storeFlow(this.newFlow(input, flowid, rewritten, 0, this.timeouts), input, this.map, this.map);
  }

  override getEntry(_proto: number, flowid: FlowID, input: number): Entry | undefined {
    const id: FlowID = { saddr: flowid.saddr, sport: 0, daddr: 0, dport: 0 };
    const m = this.map.get(flowKey(id)) ?? this.map.get(flowKey({ saddr: 0, sport: 0, daddr: flowid.daddr, dport: 0 }));
    const spec = this.inputSpecs[input];
    if (m || !spec) return m;
    const r = spec.rewriteFlowid(id, MAPID_DEFAULT);
    return r.result === RW_ADDMAP ? this.addFlow(id, r.flowid, spec) : undefined;
  }

  protected override rewrite(port: number, p: Packet, h: HeaderPositions, out: Out): void {
    const flowid: FlowID = { saddr: be32(h.buf, h.ip + 12), sport: 0, daddr: 0, dport: 0 };
    const spec = this.inputSpecs[port]!;
    const m = this.map.get(flowKey(flowid))
      ?? this.map.get(flowKey({ saddr: 0, sport: 0, daddr: be32(h.buf, h.ip + 16), dport: 0 }))
      ?? this.newMapping(spec, flowid, MAPID_DEFAULT, p, out, (rewritten) => this.addFlow(flowid, rewritten, spec));
    if (!m) return;
    applyAddr(m.flow, p, h, m.direction, this.conf.annos);
    const [timeout, guarantee] = this.timeouts;
    this.heap.changeExpiry(m.flow, guarantee !== 0, this.jiffies() + (guarantee || timeout));
    out.emit(m.output, p);
  }

  table(): string {
    const now = this.jiffies();
    let s = '';
    for (const e of this.map.values()) {
      const other = e.flow.e[e.direction ? 0 : 1];
      s += `${unparseIP(e.flowid.saddr)} => ${unparseIP(other.flowid.daddr)}${this.unparsePorts(e.flow, e.direction, now)}\n`;
    }
    return s;
  }
}

export const spec = anySpec(defineElement<typeof args, RewriterBaseConf, IPAddrRewriterElement>({
  name: 'IPAddrRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  instanceHandlers: (_c, ports) => rewriterInstanceHandlers(ports.ninputs),
  handlers: {
    table: { read: (e) => e.table(), doc: 'address mappings' },
    mappings: { read: (e) => e.table(), doc: 'address mappings (deprecated name)' },
    ...rewriterBaseHandlers,
  },
  host: (init) => new IPAddrRewriterElement(init),
  native: rewriterNative(import.meta.url, 'ip-addr-rewriter.c', 'ip_addr_rewriter', 'addr'),
}));
