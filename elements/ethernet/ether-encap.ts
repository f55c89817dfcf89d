/**
 * EtherEncap — encapsulate packets in a fixed Ethernet header.
 *
 * Synopsis:   EtherEncap(ETHERTYPE, SRC, DST)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: prepends a 14-byte Ethernet header with destination DST,
 *   source SRC and type ETHERTYPE, and marks it as the MAC header (the
 *   network header annotation then points just after it).
 * Arguments:
 *   ETHERTYPE  16-bit type in host order, e.g. 0x0800.
 *   SRC, DST   Ethernet addresses.
 * Handlers:
 *   src, dst (read/write)  the addresses (read as 00-11-22-33-44-55)
 *   ethertype (read/write) the type, read in decimal; etht is an old alias
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { ETH, setMacHeader } from '../lib/ether-header.js';
import { etherField, fieldHandler } from '../lib/field-handlers.js';
import { setU16 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBytes } from '../lib/native-init.js';

export interface EtherEncapConf {
  ethertype: number;
  src: Uint8Array;
  dst: Uint8Array;
}

export class EtherEncapElement extends SimpleElement<EtherEncapConf> {
  ethertype = this.conf.ethertype;
  src = this.conf.src;
  dst = this.conf.dst;

  /** Encapsulate in place; every packet goes to output 0. */
  action(p: Packet): number {
    p.push(ETH.LEN);
    const d = p.writable();
    d.set(this.dst, ETH.DST);
    d.set(this.src, ETH.SRC);
    setU16(d, ETH.TYPE, this.ethertype);
    setMacHeader(p, 0, ETH.LEN);
    return 0;
  }
}

const ethertypeHandler = fieldHandler<EtherEncapElement, number>('ethertype', T.uint16, String);

export const spec = defineElement({
  name: 'EtherEncap',
  ports: '1/1',
  processing: 'a/a',
  args: { ETHERTYPE: a.mp(T.uint16), SRC: a.mp(T.ether), DST: a.mp(T.ether) },
  configure: (v): EtherEncapConf => ({ ethertype: v.ETHERTYPE, src: v.SRC, dst: v.DST }),
  host: (init: ElementInit<EtherEncapConf>) => new EtherEncapElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ether-encap.c'),
    prefix: 'ether_encap',
    inPlace: true,
    hooks: { init: true },
    init: (c) => `.ethertype = ${c.ethertype}, .src = ${cBytes(c.src)}, .dst = ${cBytes(c.dst)}`,
  },
  handlers: {
    src: etherField<EtherEncapElement>('src', 'the source address'),
    dst: etherField<EtherEncapElement>('dst', 'the destination address'),
    ethertype: { ...ethertypeHandler, doc: 'the Ethernet type' },
    etht: { ...ethertypeHandler, doc: 'old name of ethertype' },
  },
});
