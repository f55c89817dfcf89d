/**
 * HashSwitch — choose the output from a hash of some packet bytes.
 *
 * Synopsis:   HashSwitch(OFFSET, LENGTH)
 * Ports:      1 push input, 1 or more push outputs.
 * Processing: d is the sum of the LENGTH bytes at OFFSET. With 2, 4 or 8
 *             outputs the packet goes out of output (d ^ (d >> 4)) & (n - 1),
 *             otherwise out of output d % n. A packet shorter than
 *             OFFSET + LENGTH goes out of output 0. LENGTH 0 is an error.
 *
 * Difference from Click: a negative OFFSET makes Click read before the
 * packet data; here such packets are dropped and counted.
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface HashSwitchConf {
  readonly offset: number;
  readonly length: number;
}

class HashSwitchElement extends SimpleElement<HashSwitchConf> {
  action(p: Packet): number {
    const { offset, length } = this.conf;
    if (p.length < offset + length) return 0;
    if (offset < 0 && length > 0) return DROP;
    const data = p.data;
    let d = 0;
    for (let i = offset; i < offset + length; i++) d += data[i]!;
    const n = this.noutputs;
    return n === 2 || n === 4 || n === 8 ? (d ^ (d >> 4)) & (n - 1) : d % n;
  }
}

const args = { OFFSET: a.mp(T.int), LENGTH: a.mp(T.int) };

export const spec = defineElement<typeof args, HashSwitchConf, HashSwitchElement>({
  name: 'HashSwitch',
  ports: '1/1-',
  processing: 'h/h',
  args,
  configure: (args) => {
    if (args.LENGTH === 0) throw new ConfigError('LENGTH must be greater than 0', 1);
    return { offset: args.OFFSET, length: args.LENGTH };
  },
  host: (init) => new HashSwitchElement(init),
  native: {
    source: nativeSource(import.meta.url, 'hash-switch.c'),
    prefix: 'hash_switch',
    inPlace: true,
    init: (c) => `.offset = ${c.offset}, .length = ${c.length}`,
  },
});
