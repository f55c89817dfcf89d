/**
 * Meter — send the stream out the output matching its recent rate in
 * packets per second.
 *
 * Synopsis:   Meter(RATE1, RATE2, ..., RATEn)
 * Ports:      1 push input, n+1 push outputs (at least 2).
 * Processing: as BandwidthMeter, but each packet counts 1 instead of its
 *             length. The rates are read as BandwidthMeter reads them (Click
 *             shares the code): a bare number is packets per second and draws
 *             the "no units" warning; `Bps` means packets per second too.
 * Handlers:   rate (read), meters (read), as BandwidthMeter.
 */

import { defineElement } from '../spec.js';
import { MeterBase, meterArgs, meterConfigure, meterHandlers, meterNative, type MeterConf } from './bandwidth-meter.js';

class MeterElement extends MeterBase {
  protected sample(): number {
    return 1;
  }
}

export const spec = defineElement<typeof meterArgs, MeterConf, MeterBase>({
  name: 'Meter',
  ports: '1/2-',
  processing: 'h/h',
  args: meterArgs,
  configure: (args, ctx) => meterConfigure(args.RATE, ctx),
  host: (init) => new MeterElement(init),
  native: meterNative('meter.c', false),
  handlers: meterHandlers,
});
