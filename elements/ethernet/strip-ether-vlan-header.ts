/**
 * StripEtherVLANHeader — remove an 802.1Q (or plain) Ethernet header.
 *
 * Synopsis:   StripEtherVLANHeader([NATIVE_VLAN])
 * Ports:      1 input, 1 or 2 outputs; input agnostic, output 0 agnostic,
 *   output 1 push.
 * Processing: a frame whose outer type is 0x8100 has its 18-byte 802.1Q
 *   header removed and its TCI stored in the VLAN TCI annotation. Any other
 *   frame has its 14-byte header removed and NATIVE_VLAN stored in the
 *   annotation; if NATIVE_VLAN is negative such frames go to output 1
 *   instead (dropped without one), untouched.
 * Arguments:  NATIVE_VLAN (integer up to 0xFFF, default 0).
 * Errors:     NATIVE_VLAN above 0xFFF: `bad NATIVE_VLAN`.
 * Differences: a frame shorter than the header it would lose (Click reads
 *   and pulls past the data) is dropped and counted in the engine's
 *   statistics.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { ETH, ETHERTYPE_8021Q } from '../lib/ether-header.js';
import { getU16 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface StripEtherVLANHeaderConf {
  /** -1: untagged frames go to output 1. */
  nativeVlan: number;
}

const VLAN_HEADER_LEN = 18;

class StripEtherVLANHeaderElement extends SimpleElement<StripEtherVLANHeaderConf> {
  action(p: Packet): number {
    if (p.length < ETH.LEN) return DROP;
    if (getU16(p.data, ETH.TYPE) === ETHERTYPE_8021Q) {
      if (p.length < VLAN_HEADER_LEN) return DROP;
      p.anno[ANNO.VLAN_TCI] = p.data[ETH.LEN]!;
      p.anno[ANNO.VLAN_TCI + 1] = p.data[ETH.LEN + 1]!;
      p.pull(VLAN_HEADER_LEN);
      return 0;
    }
    const nv = this.conf.nativeVlan;
    if (nv < 0) return 1;
    p.anno[ANNO.VLAN_TCI] = nv >> 8;
    p.anno[ANNO.VLAN_TCI + 1] = nv & 0xff;
    p.pull(ETH.LEN);
    return 0;
  }
}

export const spec = defineElement({
  name: 'StripEtherVLANHeader',
  ports: '1/1-2',
  processing: 'a/ah',
  args: { NATIVE_VLAN: a.p(T.int, 0) },
  configure: (v): StripEtherVLANHeaderConf => {
    if (v.NATIVE_VLAN > 0xfff) throw new ConfigError('bad NATIVE_VLAN');
    return { nativeVlan: v.NATIVE_VLAN < 0 ? -1 : v.NATIVE_VLAN };
  },
  host: (init: ElementInit<StripEtherVLANHeaderConf>) => new StripEtherVLANHeaderElement(init),
  native: {
    source: nativeSource(import.meta.url, 'strip-ether-vlan-header.c'),
    prefix: 'strip_ether_vlan_header',
    inPlace: true,
    init: (c) => `.native_vlan = ${c.nativeVlan}`,
  },
});
