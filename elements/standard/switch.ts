/**
 * Switch — send every packet out of one settable output.
 *
 * Synopsis:   Switch([OUTPUT])
 * Ports:      1 push input, any number of push outputs.
 * Processing: packets go out of output OUTPUT (default 0); a negative OUTPUT
 *             drops them. OUTPUT must be less than the number of outputs.
 * Handlers:
 *   switch (read/write)  OUTPUT; writing a value beyond the outputs means -1 (drop)
 *   config (read)        OUTPUT, as Click's Switch reports it
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { intValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface SwitchConf {
  readonly output: number;
}

export class SwitchElement extends SimpleElement<SwitchConf> {
  output: number;

  constructor(init: ElementInit<SwitchConf>) {
    super(init);
    this.output = init.conf.output;
  }

  action(): number {
    return this.output < 0 ? DROP : this.output;
  }

  setOutput(k: number): void {
    this.output = k >= this.noutputs ? -1 : k;
  }
}

const args = { OUTPUT: a.p(T.int, 0) };

export const spec = defineElement<typeof args, SwitchConf, SwitchElement>({
  name: 'Switch',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (args, ctx) => {
    if (args.OUTPUT >= ctx.noutputs) throw new ConfigError(`OUTPUT must be less than ${ctx.noutputs}, the number of outputs`, 0);
    return { output: args.OUTPUT };
  },
  host: (init) => new SwitchElement(init),
  native: {
    source: nativeSource(import.meta.url, 'switch.c'),
    prefix: 'switch_element',
    inPlace: true,
    init: (c, ctx) => `.output = ${c.output}, .noutputs = ${ctx.noutputs}`,
  },
  handlers: {
    switch: { read: (e: SwitchElement) => String(e.output), write: (e: SwitchElement, v: string) => e.setOutput(intValue(v, 'switch')) },
    config: { read: (e: SwitchElement) => String(e.output) },
  },
});
