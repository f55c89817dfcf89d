/**
 * PullSwitch — pull packets from one settable input.
 *
 * Synopsis:   PullSwitch([INPUT])
 * Ports:      any number of pull inputs, 1 pull output.
 * Processing: a pull on the output pulls input INPUT (default 0) and returns
 *             what it gives; with a negative INPUT, or one beyond the last
 *             input, nothing is pulled and nothing returned.
 * Handlers:
 *   switch (read/write)  the input pulled; writing a number outside the
 *                        inputs means -1 (none)
 *   config (read)        the same, as Click reports it
 *
 * SimplePullSwitch is the same class without notification. Click's
 * PullSwitch also passes on its current input's "empty" notifier; tasks in
 * clickvm's engines poll, so the packets moved are the same.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { intValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

interface PullSwitchConf {
  readonly input: number;
}

class PullSwitchElement extends HostElement<PullSwitchConf> {
  input: number;

  constructor(init: ElementInit<PullSwitchConf>) {
    super(init);
    this.input = -1;
    this.setInput(init.conf.input);
  }

  setInput(k: number): void {
    this.input = k < 0 || k >= this.ninputs ? -1 : k;
  }

  override pull(_port: number, max: number): PacketBatch {
    return this.input < 0 ? [] : this.env.pullInput(this.input, max);
  }
}

const args = { INPUT: a.p(T.int, 0) };

function pullSwitchSpec(name: string) {
  return defineElement<typeof args, PullSwitchConf, PullSwitchElement>({
    name,
    ports: '-/1',
    processing: 'l/l',
    args,
    configure: (args) => ({ input: args.INPUT }),
    host: (init) => new PullSwitchElement(init),
    native: {
      source: nativeSource(import.meta.url, 'pull-switch.c'),
      prefix: 'pull_switch',
      hooks: { pull: true },
      init: (c, ctx) => `.input = ${c.input < 0 || c.input >= ctx.ninputs ? -1 : c.input}, .ninputs = ${ctx.ninputs}`,
    },
    handlers: {
      switch: { read: (e) => String(e.input), write: (e, v) => e.setInput(intValue(v, 'switch')) },
      config: { read: (e) => String(e.input) },
    },
  });
}

export const spec = pullSwitchSpec('PullSwitch');
export const simplePullSwitchSpec = pullSwitchSpec('SimplePullSwitch');
