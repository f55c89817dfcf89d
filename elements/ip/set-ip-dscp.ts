/**
 * SetIPDSCP — set the Differentiated Services code point of IP packets.
 *
 * Synopsis:   SetIPDSCP(DSCP)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: expects packets with a marked IP header. Sets the upper six
 *   bits of the TOS byte to DSCP, keeps the two ECN bits, and updates the
 *   header checksum incrementally.
 * Arguments:
 *   DSCP  integer from 0 to 63.
 * Handlers:
 *   dscp (read/write)  the code point
 * Differences from Click: a packet without an IP header annotation, or too
 *   short for the header (Click asserts), is dropped and counted in the
 *   engine's drop statistics.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { updateChecksum } from '../lib/checksum.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { IPH, getU16, ipHeader, setU16 } from '../lib/ip-header.js';
import { HandlerError, defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface SetIPDSCPConf {
  dscp: number;
}

const OUT_OF_RANGE = 'diffserv code point out of range';

export class SetIPDSCPElement extends SimpleElement<SetIPDSCPConf> {
  dscp = this.conf.dscp;

  action(p: Packet): number {
    const view = ipHeader(p);
    if (!view || view.avail < IPH.MIN_LEN) return DROP;
    p.writable();
    const b = p.buffer;
    const ip = view.at;
    const oldWord = getU16(b, ip);
    b[ip + IPH.TOS] = (b[ip + IPH.TOS]! & 0x03) | (this.dscp << 2);
    setU16(b, ip + IPH.SUM, updateChecksum(getU16(b, ip + IPH.SUM), oldWord, getU16(b, ip)));
    return 0;
  }
}

export const spec = defineElement({
  name: 'SetIPDSCP',
  ports: '1/1',
  processing: 'a/a',
  args: { DSCP: a.mp(T.unsigned) },
  configure: (v): SetIPDSCPConf => {
    if (v.DSCP > 0x3f) throw new ConfigError(OUT_OF_RANGE, 0, 'DSCP is 0 to 63');
    return { dscp: v.DSCP };
  },
  host: (init: ElementInit<SetIPDSCPConf>) => new SetIPDSCPElement(init),
  native: {
    source: nativeSource(import.meta.url, 'set-ip-dscp.c'),
    prefix: 'set_ip_dscp',
    inPlace: true,
    init: (c) => `.dscp = ${c.dscp}`,
  },
  handlers: {
    dscp: {
      read: (e: SetIPDSCPElement) => String(e.dscp),
      write: (e: SetIPDSCPElement, value: string) => {
        const v = parseHandlerValue(T.unsigned, value);
        if (v > 0x3f) throw new HandlerError(OUT_OF_RANGE);
        e.dscp = v;
      },
      doc: 'the code point written into packets',
    },
  },
});
