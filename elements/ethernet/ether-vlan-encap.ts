/**
 * EtherVLANEncap — encapsulate packets in an 802.1Q Ethernet header.
 *
 * Synopsis:   EtherVLANEncap(ETHERTYPE, SRC, DST, VLAN_TCI [, VLAN_PCP, keywords VLAN_ID, NATIVE_VLAN])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: prepends an 18-byte header: DST, SRC, type 0x8100, the TCI,
 *   then ETHERTYPE, and marks it as the MAC header (the network header
 *   annotation follows it). The TCI is VLAN_TCI, or VLAN_ID, with VLAN_PCP
 *   in its top three bits; with VLAN_TCI `ANNO` it is the packet's VLAN TCI
 *   annotation. When the TCI's VLAN ID equals NATIVE_VLAN (default 0) the
 *   packet gets a plain 14-byte Ethernet header of type ETHERTYPE instead.
 *   (VLANEncap tags frames that already have an Ethernet header.)
 * Arguments:
 *   ETHERTYPE    encapsulated type, host order (0x0800).
 *   SRC, DST     Ethernet addresses.
 *   VLAN_TCI     16-bit TCI, or ANNO.
 *   VLAN_PCP     priority, 0 to 7, default 0.
 *   VLAN_ID      0 to 0xFFF, default 0 (used when VLAN_TCI is not given).
 *   NATIVE_VLAN  -1 to 0xFFF, default 0; -1: none.
 * Handlers:
 *   config (read)                     the effective settings, as Click prints them
 *   src, dst (read/write)             the addresses
 *   ethertype (read/write)            the encapsulated type, in decimal
 *   vlan_tci (read/write)             the TCI or ANNO
 *   vlan_id, vlan_pcp, native_vlan (read/write)
 * Differences: none known. As in Click, `config` prints NATIVE_VLAN -1 as
 *   65535 (Click byte-swaps the -1 it stores for "none").
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { ETH, ETHERTYPE_8021Q, setMacHeader, unparseEther } from '../lib/ether-header.js';
import { etherField } from '../lib/field-handlers.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { setU16 } from '../lib/ip-header.js';
import { cBytes } from '../lib/native-init.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { parseTci, tagTci, vlanTagHandlers, vlanTagInit, type VlanTagSettings } from './vlan-encap.js';

export interface EtherVLANEncapConf extends VlanTagSettings {
  ethertype: number;
  src: Uint8Array;
  dst: Uint8Array;
}

const VLAN_HEADER_LEN = 18;

export class EtherVLANEncapElement extends SimpleElement<EtherVLANEncapConf> {
  settings: EtherVLANEncapConf = { ...this.conf };
  src = this.conf.src;
  dst = this.conf.dst;

  /** The TCI written when not in ANNO mode. */
  get tci(): number {
    return tagTci(this.settings);
  }

  action(p: Packet): number {
    const s = this.settings;
    const tci = s.useAnno ? (p.anno[ANNO.VLAN_TCI]! << 8) | p.anno[ANNO.VLAN_TCI + 1]! : this.tci;
    const plain = (tci & 0xfff) === s.nativeVlan;
    const len = plain ? ETH.LEN : VLAN_HEADER_LEN;
    p.push(len);
    const d = p.writable();
    d.set(this.dst, ETH.DST);
    d.set(this.src, ETH.SRC);
    if (plain) {
      setU16(d, ETH.TYPE, s.ethertype);
    } else {
      setU16(d, ETH.TYPE, ETHERTYPE_8021Q);
      setU16(d, ETH.TYPE + 2, tci);
      setU16(d, ETH.TYPE + 4, s.ethertype);
    }
    setMacHeader(p, 0, len);
    return 0;
  }
}

export const spec = defineElement({
  name: 'EtherVLANEncap',
  ports: '1/1',
  processing: 'a/a',
  args: {
    ETHERTYPE: a.mp(T.uint16),
    SRC: a.mp(T.ether),
    DST: a.mp(T.ether),
    VLAN_TCI: a.po(T.word),
    VLAN_PCP: a.p(T.int, 0),
    VLAN_ID: a.kw(T.int, 0),
    NATIVE_VLAN: a.kw(T.int, 0),
  },
  configure: (v): EtherVLANEncapConf => {
    const range = (name: string, x: number, lo: number, hi: number) => {
      if (x < lo || x > hi) throw new ConfigError(`${name}: ${x} is out of range (${lo} to ${hi})`);
    };
    range('VLAN_PCP', v.VLAN_PCP, 0, 7);
    range('VLAN_ID', v.VLAN_ID, 0, 0xfff);
    range('NATIVE_VLAN', v.NATIVE_VLAN, -1, 0xfff);
    let tci = { tci: -1, useAnno: false };
    if (v.VLAN_TCI !== undefined) {
      try {
        tci = parseTci(v.VLAN_TCI);
      } catch (e) {
        throw new ConfigError(`VLAN_TCI: ${(e as Error).message}`, 3, 'expected a 16-bit TCI or ANNO');
      }
    }
    return { ethertype: v.ETHERTYPE, src: v.SRC, dst: v.DST, ...tci, pcp: v.VLAN_PCP, id: v.VLAN_ID, nativeVlan: v.NATIVE_VLAN };
  },
  host: (init: ElementInit<EtherVLANEncapConf>) => new EtherVLANEncapElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ether-vlan-encap.c'),
    prefix: 'ether_vlan_encap',
    inPlace: true,
    hooks: { init: true },
    init: (c) => `.ethertype = ${c.ethertype}, .src = ${cBytes(c.src)}, .dst = ${cBytes(c.dst)}, .tag = { ${vlanTagInit(c)} }`,
  },
  handlers: {
    config: {
      read: (e: EtherVLANEncapElement) => {
        const s = e.settings;
        let text = `${unparseEther(e.src)}, ${unparseEther(e.dst)}, ${s.ethertype}`;
        text += s.useAnno ? ', ANNO' : `, VLAN_ID ${e.tci & 0xfff}, VLAN_PCP ${(e.tci >> 13) & 7}`;
        if (s.nativeVlan !== 0) text += `, NATIVE_VLAN ${s.nativeVlan & 0xffff}`;
        return text;
      },
      doc: 'the effective configuration',
    },
    src: etherField<EtherVLANEncapElement>('src', 'the source address'),
    dst: etherField<EtherVLANEncapElement>('dst', 'the destination address'),
    ethertype: {
      read: (e: EtherVLANEncapElement) => String(e.settings.ethertype),
      write: (e: EtherVLANEncapElement, value: string) => {
        e.settings.ethertype = parseHandlerValue(T.uint16, value);
      },
      doc: 'the encapsulated Ethernet type',
    },
    ...vlanTagHandlers<EtherVLANEncapElement>('the VLAN sent with a plain Ethernet header'),
  },
});
