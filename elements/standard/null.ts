/**
 * Null, PushNull, PullNull — pass packets unchanged.
 *
 * Synopsis:   Null / PushNull / PullNull
 * Ports:      1 input, 1 output: agnostic (Null), push (PushNull) or pull (PullNull).
 * Processing: every packet leaves unchanged on output 0.
 */

import { HostElement, type Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class NullElement extends HostElement<Record<string, never>> {
  override push(_port: number, batch: PacketBatch, out: Out): void {
    out.emitBatch(0, batch);
  }

  override pull(_port: number, max: number): PacketBatch {
    return this.env.pullInput(0, max);
  }
}

function nullSpec(name: string, processing: string) {
  return defineElement({
    name,
    ports: '1/1',
    processing,
    args: {},
    host: (init) => new NullElement(init),
    native: { source: nativeSource(import.meta.url, 'null.c'), prefix: 'null_element', inPlace: true },
  });
}

export const spec = nullSpec('Null', 'a/a');
export const pushNullSpec = nullSpec('PushNull', 'h/h');
export const pullNullSpec = nullSpec('PullNull', 'l/l');
