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
 *   patternN (read/write)         input spec N; a write replaces it, removing its flows
 *   table_size (read)             as nmappings (Click's name)
 * Differences: tables list mappings in creation order (Click's hash order
 *             is not reproduced); random port choices use the engine's
 *             random numbers; named patterns and mappers are resolved at
 *             initialization; a `patternN` write with a bad spec is
 *             refused (Click reports it but the write succeeds), and the
 *             native dataplane refuses every `patternN` write (its input
 *             specs are compiled in); a packet without an IP header (Click
 *             crashes) is dropped.
 */

import { a, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { annoBits, baseKeywords, configureBase, MAPID_DEFAULT, MAPID_IPREWRITER_UDP, replyAnnoKeyword, rewriterBaseHandlers, secondsArg, rewriterInstanceHandlers } from './rewriter-base.js';
import { PortRewriter, portRewriterNative, tcpKeywords, type PortRewriterConf } from './port-rewriter.js';

const args = {
  UDP_TIMEOUT: a.kw(secondsArg, 300),
  UDP_STREAMING_TIMEOUT: a.ko(secondsArg),
  UDP_GUARANTEE: a.kw(secondsArg, 5),
  ...tcpKeywords,
  DST_ANNO: a.kw(T.bool, true),
  ...replyAnnoKeyword,
  ...baseKeywords,
  INPUTSPEC: a.rest(T.raw),
};

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): PortRewriterConf {
  const annos = annoBits(v.DST_ANNO, v.REPLY_ANNO);
  const base = configureBase(v, ctx, { timeout: v.TCP_NODATA_TIMEOUT, guarantee: v.TCP_GUARANTEE ?? 5 }, annos);
  return {
    ...base,
    tcpDataTimeout: v.TCP_TIMEOUT ?? v.TIMEOUT ?? 86400,
    tcpDoneTimeout: v.TCP_DONE_TIMEOUT,
    udpTimeouts: [v.UDP_TIMEOUT, v.UDP_GUARANTEE],
    udpStreamingTimeout: v.UDP_STREAMING_TIMEOUT ?? v.UDP_TIMEOUT,
  };
}

export class IPRewriterElement extends PortRewriter<PortRewriterConf> {
  constructor(init: ElementInit<PortRewriterConf>) {
    super(init, 'ip');
  }
}

const TCP_MAP = MAPID_DEFAULT;
const UDP_MAP = MAPID_IPREWRITER_UDP;

export const spec = anySpec(defineElement<typeof args, PortRewriterConf, IPRewriterElement>({
  name: 'IPRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  instanceHandlers: (_c, ports) => rewriterInstanceHandlers(ports.ninputs),
  handlers: {
    tcp_table: { read: (e) => e.table(TCP_MAP), doc: 'TCP mappings' },
    udp_table: { read: (e) => e.table(UDP_MAP), doc: 'UDP mappings' },
    tcp_mappings: { read: (e) => e.table(TCP_MAP), doc: 'TCP mappings (deprecated name)' },
    udp_mappings: { read: (e) => e.table(UDP_MAP), doc: 'UDP mappings (deprecated name)' },
    tcp_lookup: { readParam: (e, param) => e.tcpLookup(param), doc: 'tcp_lookup SADDR SPORT DADDR DPORT: the rewritten flow' },
    ...rewriterBaseHandlers,
  },
  host: (init) => new IPRewriterElement(init),
  native: portRewriterNative<PortRewriterConf>(import.meta.url, 'ip-rewriter.c', 'ip_rewriter', 'ipRewriter'),
}));
