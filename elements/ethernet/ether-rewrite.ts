/**
 * EtherRewrite — rewrite the Ethernet source and destination addresses.
 *
 * Synopsis:   EtherRewrite(SRC, DST)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: overwrites the destination and source addresses of the
 *   Ethernet header at the packet's MAC header annotation with DST and SRC;
 *   the type is left alone.
 * Arguments:
 *   SRC, DST  Ethernet addresses.
 * Handlers:
 *   src, dst (read/write)  the addresses
 * Differences from Click: a packet without a MAC header annotation, or with
 *   fewer than 12 bytes from it (Click writes through a null or short
 *   header), is dropped and counted in the engine's drop statistics.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { ETH } from '../lib/ether-header.js';
import { etherField } from '../lib/field-handlers.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBytes } from '../lib/native-init.js';

export interface EtherRewriteConf {
  src: Uint8Array;
  dst: Uint8Array;
}

export class EtherRewriteElement extends SimpleElement<EtherRewriteConf> {
  src = this.conf.src;
  dst = this.conf.dst;

  action(p: Packet): number {
    const mac = p.macHeaderOffset;
    if (mac === undefined || mac < 0 || mac + ETH.TYPE > p.length) return DROP;
    const d = p.writable();
    d.set(this.dst, mac + ETH.DST);
    d.set(this.src, mac + ETH.SRC);
    return 0;
  }
}

export const spec = defineElement({
  name: 'EtherRewrite',
  ports: '1/1',
  processing: 'a/a',
  args: { SRC: a.mp(T.ether), DST: a.mp(T.ether) },
  configure: (v): EtherRewriteConf => ({ src: v.SRC, dst: v.DST }),
  host: (init: ElementInit<EtherRewriteConf>) => new EtherRewriteElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ether-rewrite.c'),
    prefix: 'ether_rewrite',
    inPlace: true,
    init: (c) => `.src = ${cBytes(c.src)}, .dst = ${cBytes(c.dst)}`,
  },
  handlers: {
    src: etherField<EtherRewriteElement>('src', 'the source address'),
    dst: etherField<EtherRewriteElement>('dst', 'the destination address'),
  },
});
