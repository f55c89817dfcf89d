/**
 * StoreEtherAddress — write an Ethernet address into the packet.
 *
 * Synopsis:   StoreEtherAddress(ADDR, OFFSET)
 *             StoreEtherAddress(OFFSET OFFSET, ANNO ANNO)
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: writes ADDR (or the six annotation bytes starting at ANNO)
 *   at byte OFFSET of the packet. A packet too short for the six bytes leaves
 *   on output 1, or is dropped if there is none.
 * Arguments:
 *   ADDR    Ethernet address (give exactly one of ADDR and ANNO).
 *   OFFSET  unsigned, or `dst` (0) or `src` (6).
 *   ANNO    annotation offset or name of a 6-byte annotation. With ANNO,
 *           OFFSET must be given by keyword: a first positional argument
 *           is always ADDR (as in Click).
 * Handlers:
 *   addr (read/write)  the ADDR argument
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T, parseInteger } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { annoArg } from '../lib/anno-arg.js';
import { etherField } from '../lib/field-handlers.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBytes, cU32 } from '../lib/native-init.js';

export interface StoreEtherAddressConf {
  address: Uint8Array;
  offset: number;
  /** Annotation offset to copy from, or -1 to store `address`. */
  anno: number;
}

export class StoreEtherAddressElement extends SimpleElement<StoreEtherAddressConf> {
  address = this.conf.address;

  action(p: Packet): number {
    const { offset, anno } = this.conf;
    if (offset + 6 > p.length) return 1;
    const source = anno >= 0 ? p.anno.slice(anno, anno + 6) : this.address;
    p.writable().set(source, offset);
    return 0;
  }
}

function parseOffset(word: string): number {
  const w = word.toLowerCase();
  if (w === 'src') return 6;
  if (w === 'dst') return 0;
  let v = -1;
  try {
    v = parseInteger(w);
  } catch {
    // reported below
  }
  if (v < 0 || v > 0xffffffff - 6) throw new ConfigError('type mismatch: bad OFFSET', undefined, "OFFSET is a byte offset, 'src' or 'dst'");
  return v;
}

export const spec = defineElement({
  name: 'StoreEtherAddress',
  ports: '1/1-2',
  processing: 'a/ah',
  args: { ADDR: a.po(T.ether), OFFSET: a.mp(T.word), ANNO: a.ko(annoArg(6)) },
  configure: (v): StoreEtherAddressConf => {
    if ((v.ADDR === undefined) === (v.ANNO === undefined)) throw new ConfigError('must specify exactly one of ADDR/ANNO');
    return { address: v.ADDR ?? new Uint8Array(6), offset: parseOffset(v.OFFSET), anno: v.ANNO ?? -1 };
  },
  host: (init: ElementInit<StoreEtherAddressConf>) => new StoreEtherAddressElement(init),
  native: {
    source: nativeSource(import.meta.url, 'store-ether-address.c'),
    prefix: 'store_ether_address',
    inPlace: true,
    init: (c) => `.address = ${cBytes(c.address)}, .offset = ${cU32(c.offset)}, .anno = ${c.anno}`,
  },
  handlers: {
    addr: etherField<StoreEtherAddressElement>('address', 'the address stored'),
  },
});
