// The host element shared by Classifier, IPClassifier and IPFilter: it runs
// the configuration's decision program on each packet and sends the packet to
// the output the program names, or drops it (no pattern matched, a `drop`
// action, or a header annotation the program needs is missing).

import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { type DecisionProgram, DROPPED, runProgram, viewOf } from './program.js';

export interface ProgramConf {
  readonly program: DecisionProgram;
  /** The patterns as written, one per argument. */
  readonly patterns: readonly string[];
}

export class ProgramElement<C extends ProgramConf = ProgramConf> extends HostElement<C> {
  /** The program in force (IPClassifier's pattern handlers can replace it). */
  program: DecisionProgram;
  patterns: string[];
  /** Packets dropped because no pattern matched or a pattern said drop. */
  drops = 0;

  constructor(init: ElementInit<C>) {
    super(init);
    this.program = init.conf.program;
    this.patterns = [...init.conf.patterns];
  }

  /** The output for a packet, or DROPPED. */
  classify(p: Packet): number {
    const prog = this.program;
    const needsHeaders = prog.safeLength.network > 0 || prog.safeLength.transport > 0;
    if (needsHeaders && p.networkHeaderBufferOffset < 0) return DROPPED;
    return runProgram(prog, viewOf(p));
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      const port = this.classify(p);
      if (port === DROPPED || port >= this.noutputs) {
        this.drops++;
        this.drop(p);
      } else {
        out.emit(port, p);
      }
    }
  }
}
