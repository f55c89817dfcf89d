/**
 * VLANDecap — strip 802.1Q VLAN tags from Ethernet frames.
 *
 * Synopsis:   VLANDecap([ANNO, keyword ETHERTYPE])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: if the frame's type field is ETHERTYPE, the 4-byte tag after
 *   the addresses is removed, leaving an ordinary Ethernet frame. With ANNO
 *   true the VLAN TCI annotation gets the tag's TCI (in network byte order,
 *   as Click stores it), or 0 for an untagged frame. The MAC header
 *   annotation is set to the frame start and the network header 14 bytes on.
 * Arguments:
 *   ANNO       boolean, default true.
 *   ETHERTYPE  tag type, default 0x8100 (0x88a8 for 802.1ad, 0x9100 old QinQ).
 * Differences from Click: a frame too short for its type field, or a tagged
 *   frame too short for the tag (Click reads past the data), is dropped and
 *   counted in the engine's drop statistics.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { ETH, ETHERTYPE_8021Q, setMacHeader } from '../lib/ether-header.js';
import { getU16 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool } from '../lib/native-init.js';

export interface VLANDecapConf {
  anno: boolean;
  ethertype: number;
}

const TAG_LEN = 4;

class VLANDecapElement extends SimpleElement<VLANDecapConf> {
  action(p: Packet): number {
    if (p.length < ETH.LEN) return DROP;
    let tci0 = 0;
    let tci1 = 0;
    if (getU16(p.data, ETH.TYPE) === this.conf.ethertype) {
      if (p.length < ETH.LEN + 2) return DROP;
      const d = p.writable();
      tci0 = d[ETH.LEN]!;
      tci1 = d[ETH.LEN + 1]!;
      d.copyWithin(TAG_LEN, 0, ETH.TYPE);
      p.pull(TAG_LEN);
    }
    setMacHeader(p, 0, ETH.LEN);
    if (this.conf.anno) {
      p.anno[ANNO.VLAN_TCI] = tci0;
      p.anno[ANNO.VLAN_TCI + 1] = tci1;
    }
    return 0;
  }
}

export const spec = defineElement({
  name: 'VLANDecap',
  ports: '1/1',
  processing: 'a/a',
  args: { ANNO: a.p(T.bool, true), ETHERTYPE: a.kw(T.uint16, ETHERTYPE_8021Q) },
  configure: (v): VLANDecapConf => ({ anno: v.ANNO, ethertype: v.ETHERTYPE }),
  host: (init: ElementInit<VLANDecapConf>) => new VLANDecapElement(init),
  native: {
    source: nativeSource(import.meta.url, 'vlan-decap.c'),
    prefix: 'vlan_decap',
    inPlace: true,
    init: (c) => `.ethertype = ${c.ethertype}, .anno = ${cBool(c.anno)}`,
  },
});
