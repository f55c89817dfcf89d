// The host element shared by Classifier, IPClassifier and IPFilter: it runs
// the configuration's decision program on each packet and sends the packet to
// the output the program names, or drops it (no pattern matched, a `drop`
// action, or a header annotation the program needs is missing).

import { ConfigError, type ConfigContext } from '../../config-lang/args/args.js';
import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import type { HandlerDef } from '../spec.js';
import { type DecisionProgram, DROPPED, reachableOutputs, runProgram, unparseProgram, viewOf } from './program.js';

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

/**
 * Classifier's and IPClassifier's configuration: one pattern per output,
 * compiled by `compile`, with a warning for each output no packet can reach.
 */
export function configurePerOutput(patterns: string[], ctx: ConfigContext, compile: (patterns: string[]) => DecisionProgram): ProgramConf {
  if (patterns.length !== ctx.noutputs) {
    throw new ConfigError(`need ${ctx.noutputs} arguments, one per output port`, undefined, `${patterns.length} pattern${patterns.length === 1 ? '' : 's'} given for ${ctx.noutputs} output${ctx.noutputs === 1 ? '' : 's'}`);
  }
  const program = compile(patterns);
  const used = reachableOutputs(program);
  for (let i = 0; i < patterns.length; i++) if (!used.has(i)) ctx.warn(`output ${i} matches no packets`);
  return { program, patterns };
}

/** The `program` handler every classifier has. */
export const programHandler: HandlerDef<ProgramElement> = { read: (e) => unparseProgram(e.program), doc: 'the compiled decision program' };
