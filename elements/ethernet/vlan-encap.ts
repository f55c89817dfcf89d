/**
 * VLANEncap — add an 802.1Q VLAN tag to Ethernet frames.
 *
 * Synopsis:   VLANEncap([VLAN_TCI, VLAN_PCP, keywords VLAN_ID, NATIVE_VLAN, ETHERTYPE])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: inserts a 4-byte tag (type ETHERTYPE, then the TCI) after the
 *   two Ethernet addresses. The TCI is VLAN_TCI, or VLAN_ID, combined with
 *   VLAN_PCP in the top three bits; with VLAN_TCI `ANNO` it is taken from the
 *   packet's VLAN TCI annotation. A frame whose VLAN ID equals NATIVE_VLAN
 *   (default 0) is left untagged. The MAC header annotation is set to the
 *   frame start; as in Click, the network header annotation then points 8
 *   bytes on for tagged frames (Click passes a pointer size as the header
 *   length) and 14 bytes on for untagged ones.
 * Arguments:
 *   VLAN_TCI     16-bit TCI, or ANNO.
 *   VLAN_PCP     priority, 0 to 7, default 0.
 *   VLAN_ID      0 to 0xFFF, default 0.
 *   NATIVE_VLAN  -1 to 0xFFF, default 0; -1 means none.
 *   ETHERTYPE    tag type, default 0x8100.
 * Handlers:
 *   config (read)            the effective settings
 *   vlan_tci (read/write)    the TCI (or ANNO)
 *   vlan_id, vlan_pcp, native_vlan, ethertype (read/write)
 * Differences from Click: a frame shorter than the 12 address bytes (Click
 *   moves bytes past the data) is dropped and counted in the engine's drop
 *   statistics.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T, parseInteger } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { ETH, ETHERTYPE_8021Q, setMacHeader } from '../lib/ether-header.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { setU16 } from '../lib/ip-header.js';
import { HandlerError, defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool } from '../lib/native-init.js';

/** The 802.1Q tag settings VLANEncap and EtherVLANEncap share (C: vlan-tag.h). */
export interface VlanTagSettings {
  /** TCI from VLAN_TCI, or -1 if VLAN_TCI was not given. */
  tci: number;
  useAnno: boolean;
  pcp: number;
  id: number;
  nativeVlan: number;
}

export interface VLANEncapConf extends VlanTagSettings {
  ethertype: number;
}

/** The TCI written into tags when not in ANNO mode. */
export function tagTci(s: VlanTagSettings): number {
  return ((s.tci >= 0 ? s.tci : s.id) | (s.pcp << 13)) & 0xffff;
}

/** The C initializer of a `struct vlan_tag`. */
export function vlanTagInit(c: VlanTagSettings): string {
  return `.tci = ${c.tci}, .use_anno = ${cBool(c.useAnno)}, .pcp = ${c.pcp}, .id = ${c.id}, .native_vlan = ${c.nativeVlan}`;
}

const TAG_LEN = 4;
/** Click's header length for tagged frames: sizeof a pointer on 64-bit hosts. */
const CLICK_TAGGED_MAC_LEN = 8;

/** A VLAN_TCI word: `ANNO` (any word starting so, as Click compares 4 characters) or a 16-bit number. */
export function parseTci(word: string): { tci: number; useAnno: boolean } {
  if (word.startsWith('ANNO')) return { tci: -1, useAnno: true };
  const v = parseInteger(word);
  if (v < 0 || v > 0xffff) throw new Error(`${v} is out of range (0 to 65535)`);
  return { tci: v, useAnno: false };
}

export class VLANEncapElement extends SimpleElement<VLANEncapConf> {
  settings: VLANEncapConf = { ...this.conf };

  /** The TCI written into tags when not in ANNO mode. */
  get tci(): number {
    return tagTci(this.settings);
  }

  action(p: Packet): number {
    const s = this.settings;
    const tci = s.useAnno ? (p.anno[ANNO.VLAN_TCI]! << 8) | p.anno[ANNO.VLAN_TCI + 1]! : this.tci;
    if ((tci & 0xfff) === s.nativeVlan) {
      setMacHeader(p, 0, ETH.LEN);
      return 0;
    }
    if (p.length < ETH.TYPE) return DROP;
    p.push(TAG_LEN);
    const d = p.writable();
    d.copyWithin(0, TAG_LEN, TAG_LEN + ETH.TYPE);
    setU16(d, ETH.TYPE, s.ethertype);
    setU16(d, ETH.TYPE + 2, tci);
    setMacHeader(p, 0, CLICK_TAGGED_MAC_LEN);
    return 0;
  }
}

/** A setting written as an integer, then checked against its own range. */
function setRanged<K extends string>(settings: Record<K, number>, key: K, value: string, lo: number, hi: number): void {
  const v = parseHandlerValue(T.int, value);
  if (v < lo || v > hi) throw new HandlerError(`${v} is out of range (${lo} to ${hi})`);
  settings[key] = v;
}

/** The tag's handlers: vlan_tci, vlan_id, vlan_pcp, native_vlan (`nativeDoc` says what the native VLAN gets). */
export function vlanTagHandlers<E extends { settings: VlanTagSettings; readonly tci: number }>(nativeDoc: string) {
  return {
    vlan_tci: {
      read: (e: E) => (e.settings.useAnno ? 'ANNO' : String(e.tci)),
      write: (e: E, value: string) => {
        try {
          Object.assign(e.settings, parseTci(value.trim()));
        } catch (err) {
          throw new HandlerError(`expected a 16-bit TCI or ANNO: ${(err as Error).message}`);
        }
      },
      doc: 'the tag control information',
    },
    vlan_id: { read: (e: E) => String(e.settings.id), write: (e: E, v: string) => setRanged(e.settings, 'id', v, 0, 0xfff), doc: 'the VLAN ID' },
    vlan_pcp: { read: (e: E) => String(e.settings.pcp), write: (e: E, v: string) => setRanged(e.settings, 'pcp', v, 0, 7), doc: 'the priority' },
    native_vlan: { read: (e: E) => String(e.settings.nativeVlan), write: (e: E, v: string) => setRanged(e.settings, 'nativeVlan', v, -1, 0xfff), doc: nativeDoc },
  };
}

export const spec = defineElement({
  name: 'VLANEncap',
  ports: '1/1',
  processing: 'a/a',
  args: {
    VLAN_TCI: a.po(T.word),
    VLAN_PCP: a.p(T.int, 0),
    VLAN_ID: a.kw(T.int, 0),
    NATIVE_VLAN: a.kw(T.int, 0),
    ETHERTYPE: a.kw(T.uint16, ETHERTYPE_8021Q),
  },
  configure: (v): VLANEncapConf => {
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
        throw new ConfigError(`VLAN_TCI: ${(e as Error).message}`, 0, 'expected a 16-bit TCI or ANNO');
      }
    }
    return { ...tci, pcp: v.VLAN_PCP, id: v.VLAN_ID, nativeVlan: v.NATIVE_VLAN, ethertype: v.ETHERTYPE };
  },
  host: (init: ElementInit<VLANEncapConf>) => new VLANEncapElement(init),
  native: {
    source: nativeSource(import.meta.url, 'vlan-encap.c'),
    prefix: 'vlan_encap',
    inPlace: true,
    hooks: { init: true },
    init: (c) => `.tag = { ${vlanTagInit(c)} }, .ethertype = ${c.ethertype}`,
  },
  handlers: {
    config: {
      read: (e: VLANEncapElement) => {
        const s = e.settings;
        let text = s.useAnno ? 'ANNO' : `VLAN_ID ${e.tci & 0xfff}, VLAN_PCP ${(e.tci >> 13) & 7}`;
        if (s.nativeVlan !== 0) text += `, NATIVE_VLAN ${s.nativeVlan}`;
        return text;
      },
      doc: 'the effective configuration',
    },
    ...vlanTagHandlers<VLANEncapElement>('the VLAN sent untagged'),
    ethertype: {
      read: (e: VLANEncapElement) => String(e.settings.ethertype),
      write: (e: VLANEncapElement, v: string) => setRanged(e.settings, 'ethertype', v, 0, 0xffff),
      doc: 'the tag type',
    },
  },
});
