/**
 * UDPRewriter — address and port translation in one table, UDP-style.
 *
 * Synopsis:   UDPRewriter(INPUTSPEC1, ..., INPUTSPECn [, keywords])
 * Ports:      one input per INPUTSPEC, 1 or more outputs; push.
 * Processing: as IPRewriter (the same input specs, mappings for both
 *             directions, incremental checksum updates, a zero UDP checksum
 *             left zero), but UDP, TCP and DCCP packets share one mapping
 *             table and every flow is treated as UDP: no TCP connection
 *             state, no sequence-number deltas. A mapping lives the
 *             guarantee after each packet, then UDP_STREAMING_TIMEOUT once
 *             it has seen 3+ packets including a reply, else UDP_TIMEOUT.
 *             Other packets (other protocols, later fragments, under 8
 *             transport bytes) are dropped unless their input is `pass`.
 * Keywords:   UDP_TIMEOUT (or TIMEOUT; 300 s), UDP_STREAMING_TIMEOUT (or
 *             STREAMING_TIMEOUT; the timeout), UDP_GUARANTEE (or GUARANTEE;
 *             5 s), REAP_INTERVAL (or REAP_TIME; 15 min), MAPPING_CAPACITY
 *             (or CAPACITY; a number or a rewriter whose flow set to
 *             share), DST_ANNO (true), REPLY_ANNO (annotation byte carried
 *             from a flow's first packet to its replies).
 * Handlers:
 *   table, mappings (read)   `(FLOW) => (NEWFLOW) [*F R] iN expSECS` per entry
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
import type { ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { annoBits, baseKeywords, configureBase, replyAnnoKeyword, rewriterBaseHandlers, secondsArg, rewriterInstanceHandlers } from './rewriter-base.js';
import { PortRewriter, portRewriterNative, type PortRewriterConf } from './port-rewriter.js';

const args = {
  DST_ANNO: a.kw(T.bool, true),
  ...replyAnnoKeyword,
  UDP_TIMEOUT: a.ko(secondsArg),
  TIMEOUT: a.ko(secondsArg),
  UDP_STREAMING_TIMEOUT: a.ko(secondsArg),
  STREAMING_TIMEOUT: a.ko(secondsArg),
  UDP_GUARANTEE: a.ko(secondsArg),
  ...baseKeywords,
  INPUTSPEC: a.rest(T.raw),
};

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): PortRewriterConf {
  const annos = annoBits(v.DST_ANNO, v.REPLY_ANNO);
  // Of two spellings, the later one read wins, as with Click's Args.
  const timeout = v.TIMEOUT ?? v.UDP_TIMEOUT ?? 300;
  const base = configureBase({ ...v, GUARANTEE: v.GUARANTEE ?? v.UDP_GUARANTEE }, ctx, { timeout, guarantee: 5 }, annos);
  return { ...base, tcpDataTimeout: 0, tcpDoneTimeout: 0, udpTimeouts: base.timeouts, udpStreamingTimeout: v.STREAMING_TIMEOUT ?? v.UDP_STREAMING_TIMEOUT ?? timeout };
}

export class UDPRewriterElement extends PortRewriter<PortRewriterConf> {
  constructor(init: ElementInit<PortRewriterConf>) {
    super(init, 'udp');
  }
}

export const spec = anySpec(defineElement<typeof args, PortRewriterConf, UDPRewriterElement>({
  name: 'UDPRewriter',
  ports: '1-/1-',
  processing: 'h/h',
  args,
  configure,
  instanceHandlers: (_c, ports) => rewriterInstanceHandlers(ports.ninputs),
  handlers: {
    table: { read: (e) => e.table(), doc: 'mappings' },
    mappings: { read: (e) => e.table(), doc: 'mappings (deprecated name)' },
    ...rewriterBaseHandlers,
  },
  sharedState: ['random'],   // random source ports come from the router's sequence
  host: (init) => new UDPRewriterElement(init),
  native: portRewriterNative<PortRewriterConf>(import.meta.url, 'udp-rewriter.c', 'udp_rewriter', 'udp'),
}));
