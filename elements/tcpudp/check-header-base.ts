// What CheckUDPHeader and CheckTCPHeader share: the VERBOSE/DETAILS
// arguments, the drop path (output 1 if connected, else a counted drop),
// the first-failure message, and the drops/drop_details handlers.

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement } from '../../host-engine/element.js';
import { HandlerError, type HandlerDef } from '../spec.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

export interface CheckHeaderConf {
  readonly verbose: boolean;
  readonly details: boolean;
}

export const checkHeaderArgs = { VERBOSE: a.kw(T.bool, false), DETAILS: a.kw(T.bool, false) };

export function configureCheckHeader(v: { VERBOSE: boolean; DETAILS: boolean }): CheckHeaderConf {
  return { verbose: v.VERBOSE, details: v.DETAILS };
}

export abstract class CheckHeaderElement extends SimpleElement<CheckHeaderConf> {
  /** Reason texts, in Click's order (drop_details lists them so). */
  protected abstract readonly reasons: readonly string[];
  drops = 0;
  readonly reasonDrops: number[] = [0, 0, 0];

  /** The line printed for a failure (Click's exact text differs between the two classes). */
  protected abstract message(reason: string): string;

  /** Count a failed packet and say where it goes: output 1, which drops it when there is no output 1. */
  protected fail(reason: number): number {
    if (this.drops === 0 || this.conf.verbose) this.env.stderr(this.message(this.reasons[reason]!));
    this.drops++;
    this.reasonDrops[reason]!++;
    return 1;
  }

  dropDetails(): string {
    if (!this.conf.details) throw new HandlerError("no 'drop_details' read handler (configure with DETAILS true)");
    return this.reasons.map((r, i) => `${this.reasonDrops[i]}\t${r}\n`).join('');
  }
}

export const checkHeaderHandlers: { readonly [name: string]: HandlerDef<CheckHeaderElement> } = {
  drops: { read: (e) => String(e.drops), doc: 'packets that failed the check' },
  drop_details: { read: (e) => e.dropDetails(), doc: 'failures per reason (with DETAILS true)' },
};

/** The native entry of a header checker: flags, output count, and (CheckTCPHeader) its message prefix. */
export function checkHeaderNative(moduleUrl: string, file: string, prefix: string, messagePrefix?: (name: string) => string): NativeSpec<CheckHeaderConf> {
  return {
    source: nativeSource(moduleUrl, file),
    prefix,
    inPlace: true,
    init: (c, ctx) =>
      [
        `.s = { .verbose = ${+c.verbose}, .details = ${+c.details} }`,
        messagePrefix ? `.prefix = ${ctx.cString(messagePrefix(ctx.elementName))}` : '',
      ].filter(Boolean).join(', '),
  };
}
