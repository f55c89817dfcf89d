// What the VM NIC tests share: building an image of a configuration, booting
// it with NICs (QEMU killed in the test's teardown), the driver's limits and
// close lines, and test frames.

import { type Test } from 'tap';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildImage } from '../../vm-image/build.js';
import { TestVm } from './vm-harness.js';

/** The guest's receive limits (vm-image/kernel/virtio-net.h): shorter frames have no Ethernet header, longer ones do not fit a pool buffer. */
export const ETHER_MIN = 14;
export const FRAME_MAX = 2048 - 64;

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function image(text: string): string {
  return buildImage(generateC(loadConfig(text, '<vm test>', {}), { configText: text })).output;
}

/** The driver's close lines: every NIC finished sending before the VM stopped. */
export function allSent(t: Test, console: string): void {
  const left = [...console.matchAll(/^virtio-net: NIC (\d+): .*\((\d+) never sent\)/gm)];
  t.ok(left.length > 0 && left.every((m) => m[2] === '0'), `every NIC sent all it was given before the reset at close (${left.length} NICs reported)`, { console: left.map((m) => m[0]).join('\n') });
}

/** Boot with `nics` NICs and `-h` for each handler; QEMU is killed at the test's end whatever happens. */
export async function boot(t: Test, img: string, nics: number, handlers: readonly string[], order?: readonly number[]): Promise<TestVm> {
  const vm = await TestVm.start(img, { nics, order, append: handlers.map((h) => `-h ${h}`).join(' ') });
  t.teardown(() => vm.close());
  return vm;
}

/** A frame of `len` bytes to NIC 0's MAC, numbered `seq`, of EtherType `type`. */
export function frame(len: number, seq: number, type = 0x0800): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x52, 0x54, 0x00, 0xc1, 0x0c, 0x00, 0x02, 0, 0, 0, 0, 1].slice(0, len));
  if (len >= 14) {
    f[12] = type >> 8;
    f[13] = type & 0xff;
  }
  for (let i = 14; i < len; i++) f[i] = (seq + i) & 0xff;
  if (len >= 18) new DataView(f.buffer).setUint32(14, seq);
  return f;
}
