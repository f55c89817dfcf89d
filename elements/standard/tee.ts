/**
 * Tee — send a copy of each packet out of every output.
 *
 * Synopsis:   Tee([N])
 * Ports:      1 push input, 1 or more push outputs.
 * Processing: for each packet, clones go out of outputs 0..n-2 in order, then
 *             the packet itself out of output n-1. N, if given, must equal
 *             the number of outputs. Clones share the data until written.
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class TeeElement extends HostElement<Record<string, never>> {
  override push(_port: number, batch: PacketBatch, out: Out): void {
    const last = this.noutputs - 1;
    for (const p of batch) {
      for (let i = 0; i < last; i++) out.emit(i, this.clonePacket(p));
      out.emit(last, p);
    }
  }
}

/** Tee's and PullTee's N: optional, but if given it must match the output count. */
export const teeArgs = { N: a.po(T.unsigned) };

export function checkArms(n: number | undefined, noutputs: number): Record<string, never> {
  if (n !== undefined && n !== noutputs) {
    throw new ConfigError(`N is ${n} but there ${noutputs === 1 ? 'is 1 output' : `are ${noutputs} outputs`}`, 0, 'N must equal the number of outputs used');
  }
  return {};
}

export const spec = defineElement<typeof teeArgs, Record<string, never>, TeeElement>({
  name: 'Tee',
  ports: '1/1-',
  processing: 'h/h',
  args: teeArgs,
  configure: (args, ctx) => checkArms(args.N, ctx.noutputs),
  host: (init) => new TeeElement(init),
  native: { source: nativeSource(import.meta.url, 'tee.c'), prefix: 'tee' },
});
