/**
 * BandwidthMeter — send the stream out the output matching its recent rate
 * in bytes per second.
 *
 * Synopsis:   BandwidthMeter(RATE1, RATE2, ..., RATEn)
 * Ports:      1 push input, n+1 push outputs (at least 2).
 * Processing: each packet updates an EWMA of bytes per 1 ms epoch (alpha
 *             1/16, 10 fraction bits, unsigned 32-bit: Click's RateEWMA);
 *             the packet then goes to output 0 if the rate is below RATE1,
 *             output i if it is at least RATEi and below RATEi+1, output n
 *             if at least RATEn. Rates are bandwidths (`384kbps`, `20kBps`;
 *             a bare number is bytes per second, with a warning), strictly
 *             increasing, at most 4194303 Bps.
 * Handlers:
 *   rate (read)    current rate in bytes per second (Click's fixed-point text)
 *   meters (read)  the configured rates as the element compares them, one a line
 *
 * Difference from Click: with several rates, Click's `meters` handler runs
 * the numbers together without separators; we put one a line.
 */

import { a, ConfigError, type ConfigContext } from '../../config-lang/args/args.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { bandwidthArg } from './bandwidth-arg.js';
import { unparseReal2U32 } from '../lib/click-numbers.js';
import { CLICK_HZ, jiffiesAt } from '../lib/click-time.js';
import { RateEwma } from './rate-ewma.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

export const METER_EWMA = { bits: 32, stability: 4, scale: 10 } as const;
const MAX_RATE = 0xffffffff >>> METER_EWMA.scale;

export interface MeterConf {
  /** Thresholds as scaled averages per jiffy ((rate << 10) / 1000), increasing. */
  readonly thresholds: readonly number[];
}

/** Shared configuration of BandwidthMeter and Meter: rates in, scaled per-jiffy thresholds out. */
export function meterConfigure(rates: number[], ctx: ConfigContext): MeterConf {
  if (rates.length === 0) throw new ConfigError(`too few arguments: ${ctx.className} needs at least one rate`);
  rates.forEach((r, i) => {
    if (i > 0 && r <= rates[i - 1]!) throw new ConfigError(`rate ${i + 1} must be greater than rate ${i}`, i);
    if (r > MAX_RATE) throw new ConfigError(`rate ${i + 1} is too large (at most ${MAX_RATE})`, i);
  });
  if (rates.length + 1 !== ctx.noutputs) {
    throw new ConfigError(`${rates.length} rate${rates.length === 1 ? '' : 's'} need ${rates.length + 1} outputs, but ${ctx.className} has ${ctx.noutputs}`, undefined, 'give one rate fewer than the number of output ports');
  }
  return { thresholds: rates.map((r) => Math.floor((r * 2 ** METER_EWMA.scale) / CLICK_HZ)) };
}

/** Meters packets by a per-packet sample: bytes for BandwidthMeter, 1 for Meter. */
export abstract class MeterBase extends HostElement<MeterConf> {
  protected readonly ewma = new RateEwma(METER_EWMA, jiffiesAt(this.env.now()));
  protected abstract sample(length: number): number;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    const thresholds = this.conf.thresholds;
    for (const p of batch) {
      this.ewma.update(this.sample(p.length), jiffiesAt(this.env.now()));
      const r = Number(BigInt.asUintN(32, this.ewma.scaledAverage));
      let port = 0;
      while (port < thresholds.length && r >= thresholds[port]!) port++;
      out.emit(port, p);
    }
  }

  readRate(): string {
    this.ewma.update(0, jiffiesAt(this.env.now()));
    return this.ewma.unparseRate();
  }

  readMeters(): string {
    return this.conf.thresholds.map((t) => unparseReal2U32((t * CLICK_HZ) % 0x1_0000_0000, METER_EWMA.scale)).join('\n');
  }
}

class BandwidthMeterElement extends MeterBase {
  protected sample(length: number): number {
    return length;
  }
}

export const meterArgs = { RATE: a.rest(bandwidthArg) };

/** The C side of both meters (meter.h); `file` is the class's own C file. */
export function meterNative(file: string, byBytes: boolean): NativeSpec<MeterConf> {
  return {
    source: nativeSource(import.meta.url, file),
    prefix: 'meter',
    inPlace: true,
    hooks: { init: true },
    init: (c, ctx) => `.thresholds = ${ctx.constArray('uint32_t', c.thresholds.map((t) => `${t}u`))}, .nthresholds = ${c.thresholds.length}, .by_bytes = ${+byBytes}`,
  };
}

export const meterHandlers = {
  rate: { read: (e: MeterBase) => e.readRate() },
  meters: { read: (e: MeterBase) => e.readMeters() },
};

export const spec = defineElement<typeof meterArgs, MeterConf, MeterBase>({
  name: 'BandwidthMeter',
  ports: '1/2-',
  processing: 'h/h',
  args: meterArgs,
  configure: (args, ctx) => meterConfigure(args.RATE, ctx),
  host: (init) => new BandwidthMeterElement(init),
  native: meterNative('bandwidth-meter.c', true),
  handlers: meterHandlers,
});
