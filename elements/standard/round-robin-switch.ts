/**
 * RoundRobinSwitch — send packets out of the outputs in turn.
 *
 * Synopsis:   RoundRobinSwitch
 * Ports:      1 push input, 1 or more push outputs.
 * Processing: the first packet goes out of output 0, the next out of output
 *             1, and so on, wrapping around.
 */

import { SimpleElement } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class RoundRobinSwitchElement extends SimpleElement<Record<string, never>> {
  private next = 0;

  action(): number {
    const k = this.next;
    this.next = k + 1 >= this.noutputs ? 0 : k + 1;
    return k;
  }
}

export const spec = defineElement({
  name: 'RoundRobinSwitch',
  ports: '1/1-',
  processing: 'h/h',
  args: {},
  host: (init) => new RoundRobinSwitchElement(init),
  native: {
    source: nativeSource(import.meta.url, 'round-robin-switch.c'),
    prefix: 'round_robin_switch',
    inPlace: true,
  },
});
