/**
 * TCPRewriter — address and port translation for TCP, with sequence deltas.
 *
 * Synopsis:   TCPRewriter(INPUTSPEC1, ..., INPUTSPECn [, keywords])
 * Ports:      one input per INPUTSPEC, 1 or more outputs; push.
 * Processing: as IPRewriter's TCP half (the same input specs, mappings for
 *             both directions, incremental checksum updates, connection
 *             state from FIN/RST/SYN and payload), in one table; other
 *             packets (not TCP, later fragments, under 8 transport bytes)
 *             are dropped unless their input is `pass`. A flow may carry
 *             sequence-number deltas (set by FTPPortMapper when it changes
 *             a stream's length): sequence numbers of that direction move
 *             by the delta from its trigger on, acknowledgements and SACK
 *             blocks of the other direction move back, checksums follow.
 *             A mapping lives the guarantee after each packet, then
 *             TCP_DONE_TIMEOUT after FIN/RST both ways, TCP_TIMEOUT with
 *             data both ways, else TCP_NODATA_TIMEOUT.
 * Keywords:   TCP_TIMEOUT (or TIMEOUT; 24 h), TCP_DONE_TIMEOUT (240 s),
 *             TCP_NODATA_TIMEOUT (300 s), TCP_GUARANTEE (or GUARANTEE; 5 s),
 *             REAP_INTERVAL (or REAP_TIME; 15 min), MAPPING_CAPACITY (or
 *             CAPACITY), DST_ANNO (true), REPLY_ANNO.
 * Handlers:
 *   table, mappings (read)   `(FLOW) => (NEWFLOW)[ seq ±DELTA] [*F R] iN expSECS`
 *   lookup SADDR SPORT DADDR DPORT (read)  the rewritten flow, or empty
 *   nmappings, mapping_failures, size (read); capacity (read/write); clear (write)
 *   patterns (read)          each input spec, with ` [COUNT]` if it made mappings
 *   patternN (read/write)    input spec N; a write replaces it, removing its flows
 *   table_size (read)        as nmappings (Click's name)
 * Differences: as IPRewriter.
 */

import { a, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { annoBits, baseKeywords, configureBase, replyAnnoKeyword, rewriterBaseHandlers, rewriterInstanceHandlers } from './rewriter-base.js';
import { PortRewriter, portRewriterNative, tcpKeywords, type PortRewriterConf } from './port-rewriter.js';

const args = {
  ...tcpKeywords,
  DST_ANNO: a.kw(T.bool, true),
  ...replyAnnoKeyword,
  ...baseKeywords,
  INPUTSPEC: a.rest(T.raw),
};

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): PortRewriterConf {
  const annos = annoBits(v.DST_ANNO, v.REPLY_ANNO);
  const base = configureBase({ ...v, GUARANTEE: v.GUARANTEE ?? v.TCP_GUARANTEE }, ctx, { timeout: v.TCP_NODATA_TIMEOUT, guarantee: 5 }, annos);
  return { ...base, tcpDataTimeout: v.TCP_TIMEOUT ?? v.TIMEOUT ?? 86400, tcpDoneTimeout: v.TCP_DONE_TIMEOUT, udpTimeouts: [0, 0], udpStreamingTimeout: 0 };
}

export class TCPRewriterElement extends PortRewriter<PortRewriterConf> {
  constructor(init: ElementInit<PortRewriterConf>) {
    super(init, 'tcp');
  }
}

export const spec = anySpec(defineElement<typeof args, PortRewriterConf, TCPRewriterElement>({
  name: 'TCPRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  instanceHandlers: (_c, ports) => rewriterInstanceHandlers(ports.ninputs),
  handlers: {
    table: { read: (e) => e.table(), doc: 'mappings' },
    mappings: { read: (e) => e.table(), doc: 'mappings (deprecated name)' },
    lookup: { readParam: (e, param) => e.tcpLookup(param), doc: 'lookup SADDR SPORT DADDR DPORT: the rewritten flow' },
    ...rewriterBaseHandlers,
  },
  sharedState: ['random'],   // random source ports come from the router's sequence
  host: (init) => new TCPRewriterElement(init),
  native: portRewriterNative<PortRewriterConf>(import.meta.url, 'tcp-rewriter.c', 'tcp_rewriter', 'tcp'),
}));
