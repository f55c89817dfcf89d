/**
 * RandomSeed — choose the router's random numbers: Click's, from a seed.
 *
 * Synopsis:   RandomSeed([SEED])
 * Ports:      none.
 * Processing: with SEED (an unsigned 32-bit integer), from initialization on
 *   every random number the router's elements draw (rewriter patterns,
 *   RandomSample, random IP IDs, Script's `random`...) comes from Click's
 *   userlevel generator after click_srandom(SEED): the C library's random()
 *   as glibc implements it (31-bit values), so the choices match the
 *   original Click's with the same seed. Without SEED the router keeps (or
 *   goes back to) its own deterministic generator, restarted from the run's
 *   seed (`--seed`).
 * Handlers:
 *   seed (read/write)  the SEED argument (decimal; empty without one). A write
 *                      reseeds: a number as SEED does, empty text as no SEED.
 * Differences: Click seeds at its first configure phase, before any element
 *   initializes; here the seed takes effect when RandomSeed initializes, in
 *   element order (no element draws random numbers while initializing, so
 *   only the order of RandomSeeds among themselves matters). Without SEED,
 *   Click picks a "truly random" seed: clickvm stays deterministic.
 *   The seed read back is decimal, not the text as written.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit } from '../../host-engine/element.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { defineElement } from '../spec.js';

export interface RandomSeedConf {
  /** -1: no SEED. */
  readonly seed: number;
}

export class RandomSeedElement extends HostElement<RandomSeedConf> {
  seed: number | undefined;

  constructor(init: ElementInit<RandomSeedConf>) {
    super(init);
    this.seed = this.conf.seed < 0 ? undefined : this.conf.seed;
  }

  override initialize(): void {
    this.env.randomSeed?.(this.seed);
  }

  writeSeed(text: string): void {
    this.seed = text.trim() === '' ? undefined : parseHandlerValue(T.unsigned, text);
    this.env.randomSeed?.(this.seed);
  }
}

export const spec = defineElement({
  name: 'RandomSeed',
  ports: '0/0',
  processing: 'a/a',
  args: { SEED: a.po(T.unsigned) },
  configure: (v): RandomSeedConf => ({ seed: v.SEED ?? -1 }),
  host: (init: ElementInit<RandomSeedConf>) => new RandomSeedElement(init),
  native: {
    source: nativeSource(import.meta.url, 'random-seed.c'),
    prefix: 'random_seed',
    hooks: { init: true },
    init: (c) => `.seed = ${c.seed < 0 ? 0 : c.seed}u, .has_seed = ${c.seed < 0 ? 0 : 1}`,
  },
  handlers: {
    seed: {
      read: (e: RandomSeedElement) => (e.seed === undefined ? '' : String(e.seed)),
      write: (e: RandomSeedElement, v: string) => e.writeSeed(v),
      doc: 'the seed; write a number to reseed, empty text to restart the run\'s generator',
    },
  },
});
