/**
 * PullTee — copy pulled packets to push outputs.
 *
 * Synopsis:   PullTee([N])
 * Ports:      1 pull input; output 0 pull, outputs 1.. push.
 * Processing: each packet pulled from output 0 is pulled from the input;
 *             before it is returned, clones go out of outputs 1..n-1 in order.
 *             N, if given, must equal the number of outputs.
 */

import { HostElement, type Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { checkArms, teeArgs } from './tee.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class PullTeeElement extends HostElement<Record<string, never>> {
  override pull(_port: number, max: number, out: Out): PacketBatch {
    const batch = this.env.pullInput(0, max);
    for (const p of batch) {
      for (let i = 1; i < this.noutputs; i++) out.emit(i, this.clonePacket(p));
    }
    return batch;
  }
}

export const spec = defineElement<typeof teeArgs, Record<string, never>, PullTeeElement>({
  name: 'PullTee',
  ports: '1/1-',
  processing: 'l/lh',
  args: teeArgs,
  configure: (args, ctx) => checkArms(args.N, ctx.noutputs),
  host: (init) => new PullTeeElement(init),
  native: {
    source: nativeSource(import.meta.url, 'pull-tee.c'),
    prefix: 'pull_tee',
    hooks: { pull: true },
  },
});
