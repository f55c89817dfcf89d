/**
 * SetVLANAnno — set the VLAN TCI annotation.
 *
 * Synopsis:   SetVLANAnno([VLAN_TCI, VLAN_PCP, keywords VLAN_ID])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: sets every packet's VLAN TCI annotation (which VLANEncap(ANNO)
 *   writes into the tag) to VLAN_TCI, or VLAN_ID, with VLAN_PCP in the top
 *   three bits.
 * Arguments:
 *   VLAN_TCI  0 to 0xFFFF (default: VLAN_ID).
 *   VLAN_PCP  priority, 0 to 7, default 0.
 *   VLAN_ID   0 to 0xFFF, default 0.
 * Handlers:
 *   config (read)            `VLAN_ID N, VLAN_PCP P` of the annotation set
 *   vlan_tci (read/write)    the annotation's value; a write sets VLAN_TCI
 *   vlan_id, vlan_pcp (read/write)  those arguments; writes recompute the value
 * Differences: the handlers read numbers in decimal (Click's vlan_id and
 *   vlan_pcp read back the argument text).
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { HandlerError, defineElement } from '../spec.js';

export interface SetVLANAnnoConf {
  /** VLAN_TCI, or -1 when not given. */
  tci: number;
  pcp: number;
  id: number;
}

const RANGES = { tci: [0, 0xffff], pcp: [0, 7], id: [0, 0xfff] } as const;
const NAMES = { tci: 'VLAN_TCI', pcp: 'VLAN_PCP', id: 'VLAN_ID' } as const;

export class SetVLANAnnoElement extends SimpleElement<SetVLANAnnoConf> {
  settings: SetVLANAnnoConf = { ...this.conf };

  get value(): number {
    const s = this.settings;
    return ((s.tci >= 0 ? s.tci : s.id) | (s.pcp << 13)) & 0xffff;
  }

  action(p: Packet): number {
    const v = this.value;
    p.anno[ANNO.VLAN_TCI] = v >> 8;
    p.anno[ANNO.VLAN_TCI + 1] = v & 0xff;
    return 0;
  }

  set(key: keyof SetVLANAnnoConf, text: string): void {
    const v = parseHandlerValue(T.int, text);
    const [lo, hi] = RANGES[key];
    if (v < lo || v > hi) throw new HandlerError(`${v} is out of range (${lo} to ${hi})`);
    this.settings[key] = v;
  }
}

export const spec = defineElement({
  name: 'SetVLANAnno',
  ports: '1/1',
  processing: 'a/a',
  args: {
    VLAN_TCI: a.p(T.int, -1),
    VLAN_PCP: a.p(T.int, 0),
    VLAN_ID: a.kw(T.int, 0),
  },
  configure: (v): SetVLANAnnoConf => {
    const c = { tci: v.VLAN_TCI, pcp: v.VLAN_PCP, id: v.VLAN_ID };
    for (const key of ['tci', 'pcp', 'id'] as const) {
      const [lo, hi] = RANGES[key];
      if ((key !== 'tci' || c.tci !== -1) && (c[key] < lo || c[key] > hi)) throw new ConfigError(`${NAMES[key]}: ${c[key]} is out of range (${lo} to ${hi})`);
    }
    return c;
  },
  host: (init: ElementInit<SetVLANAnnoConf>) => new SetVLANAnnoElement(init),
  native: {
    source: nativeSource(import.meta.url, 'set-vlan-anno.c'),
    prefix: 'set_vlan_anno',
    inPlace: true,
    init: (c) => `.tci = ${c.tci}, .pcp = ${c.pcp}, .id = ${c.id}`,
  },
  handlers: {
    config: {
      read: (e: SetVLANAnnoElement) => `VLAN_ID ${e.value & 0xfff}, VLAN_PCP ${(e.value >> 13) & 7}`,
      doc: 'the annotation set, as VLAN ID and priority',
    },
    vlan_tci: { read: (e: SetVLANAnnoElement) => String(e.value), write: (e: SetVLANAnnoElement, v: string) => e.set('tci', v), doc: 'the annotation value' },
    vlan_id: { read: (e: SetVLANAnnoElement) => String(e.settings.id), write: (e: SetVLANAnnoElement, v: string) => e.set('id', v), doc: 'the VLAN ID' },
    vlan_pcp: { read: (e: SetVLANAnnoElement) => String(e.settings.pcp), write: (e: SetVLANAnnoElement, v: string) => e.set('pcp', v), doc: 'the priority' },
  },
});
