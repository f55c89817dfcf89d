/**
 * StoreData — overwrite packet bytes.
 *
 * Synopsis:   StoreData(OFFSET, DATA [, MASK, GROW])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: writes DATA (a string, e.g. `\<ff ff>`) into the packet at
 *             byte OFFSET. With MASK (as long as DATA) only the bits set in
 *             MASK change. Bytes past the end of the packet are not written;
 *             a packet no longer than OFFSET passes unchanged, unless GROW
 *             (default false) is true, which first extends the packet with
 *             zero bytes so DATA fits.
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface StoreDataConf {
  readonly offset: number;
  readonly data: Uint8Array;
  /** Empty: store every bit. */
  readonly mask: Uint8Array;
  readonly grow: boolean;
}

class StoreDataElement extends SimpleElement<StoreDataConf> {
  action(p: Packet): number {
    const { offset, data, mask, grow } = this.conf;
    if (p.length < offset + data.length) {
      if (grow) p.put(offset + data.length - p.length);
      else if (p.length <= offset) return 0;
    }
    const bytes = p.writable();
    const n = Math.min(data.length, p.length - offset);
    if (mask.length === 0) {
      bytes.set(data.subarray(0, n), offset);
    } else {
      for (let i = 0; i < n; i++) bytes[offset + i] = (bytes[offset + i]! & ~mask[i]!) | (data[i]! & mask[i]!);
    }
    return 0;
  }
}

const args = { OFFSET: a.mp(T.unsigned), DATA: a.mp(T.bytes), MASK: a.po(T.bytes), GROW: a.kw(T.bool, false) };

export const spec = defineElement<typeof args, StoreDataConf, StoreDataElement>({
  name: 'StoreData',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (args) => {
    const mask = args.MASK ?? new Uint8Array(0);
    if (args.MASK !== undefined && mask.length !== args.DATA.length) {
      throw new ConfigError(`MASK must be as long as DATA (${args.DATA.length} bytes, not ${mask.length})`, 2);
    }
    return { offset: args.OFFSET, data: args.DATA, mask, grow: args.GROW };
  },
  host: (init) => new StoreDataElement(init),
  native: {
    source: nativeSource(import.meta.url, 'store-data.c'),
    prefix: 'store_data',
    inPlace: true,
    init: (c, ctx) =>
      [
        `.offset = ${c.offset}u, .data = ${ctx.constBytes(c.data)}, .len = ${c.data.length}u`,
        c.mask.length ? `.mask = ${ctx.constBytes(c.mask)}` : '',
        `.grow = ${+c.grow}`,
      ].filter(Boolean).join(', '),
  },
});
