/**
 * StaticSwitch — send every packet out of one fixed output.
 *
 * Synopsis:   StaticSwitch(OUTPUT)
 * Ports:      1 push input, any number of push outputs.
 * Processing: packets go out of output OUTPUT; a negative OUTPUT, or one
 *             beyond the outputs, drops them. No handler changes OUTPUT.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface StaticSwitchConf {
  /** -1 drops. */
  readonly output: number;
}

class StaticSwitchElement extends SimpleElement<StaticSwitchConf> {
  action(): number {
    return this.conf.output < 0 ? DROP : this.conf.output;
  }
}

const args = { OUTPUT: a.mp(T.int) };

export const spec = defineElement<typeof args, StaticSwitchConf, StaticSwitchElement>({
  name: 'StaticSwitch',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (args, ctx) => ({ output: args.OUTPUT >= ctx.noutputs ? -1 : args.OUTPUT }),
  host: (init) => new StaticSwitchElement(init),
  native: { source: nativeSource(import.meta.url, 'static-switch.c'), prefix: 'static_switch', inPlace: true, init: (c) => `.output = ${c.output}` },
});
