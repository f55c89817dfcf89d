// What Strip and Unstrip share: one LENGTH argument and an element that
// moves every packet's data start by LENGTH bytes (forward for Strip, back
// for Unstrip), nothing else.

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';

export interface MoveDataStartConf {
  readonly length: number;
}

export const moveDataStartArgs = { LENGTH: a.mp(T.unsigned) };

export function configureMoveDataStart(args: { LENGTH: number }): MoveDataStartConf {
  return { length: args.LENGTH };
}

export class MoveDataStartElement extends SimpleElement<MoveDataStartConf> {
  constructor(
    init: ElementInit<MoveDataStartConf>,
    /** Moves `p`'s data start by `length` bytes (Packet.pull or Packet.push). */
    private readonly move: (p: Packet, length: number) => void,
  ) {
    super(init);
  }

  action(p: Packet): number {
    this.move(p, this.conf.length);
    return 0;
  }
}
