// In-process native dataplane over memory devices: frames injected from
// TypeScript through koffi a batch per call, forwarded by a compiled
// configuration, collected back. Measures what an embedding program (a test,
// a control channel) gets end to end, koffi crossings and copies included,
// for 60-byte frames (64 on the wire with the FCS); median of several runs.
//
//   node --import tsx benchmarks/native-devices.ts [--runs 5] [--frames 1000000] [--batch 256]

import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';
import { NativeRouter } from '../dataplane-native/native-router.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg('runs', 5);
const total = arg('frames', 1_000_000);
const batch = arg('batch', 256);

const CONFIGS: Record<string, string> = {
  bridge: 'FromDevice(eth0, BURST 256) -> Queue(4096) -> ToDevice(eth1, BURST 256);',
  'ip wire': `FromDevice(eth0, BURST 256) -> Strip(14) -> CheckIPHeader -> DecIPTTL -> Unstrip(14) -> Queue(4096) -> ToDevice(eth1, BURST 256);`,
};

// A valid 64-byte Ethernet/IPv4/UDP frame (checksum correct, TTL 64).
const FRAME = Buffer.from('001122334455 00aabbccddee 0800 4500002e00000000401166bd0a0000010a000002 04d2162e001ad0b7'.replace(/ /g, '') + '00'.repeat(18), 'hex');

function once(router: NativeRouter): number {
  const frames = Array.from({ length: batch }, () => new Uint8Array(FRAME));
  router.start({ simtime: true, devices: {} });
  let sent = 0;
  let got = 0;
  const t0 = process.hrtime.bigint();
  while (sent < total) {
    const n = Math.min(batch, total - sent);
    router.inject('eth0', n === batch ? frames : frames.slice(0, n));
    sent += n;
    router.run({ until: router.now() });
    got += router.collect('eth1').length;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  router.finish();
  if (got !== total) throw new Error(`sent ${total} frames, got ${got} back`);
  return total / secs / 1e6;
}

console.log(`${total} frames of ${FRAME.length} B per run, ${batch} per koffi call, ${runs} runs`);
console.log('| configuration | Mpps (median) | min-max |');
console.log('| ------------- | ------------- | ------- |');
for (const [name, text] of Object.entries(CONFIGS)) {
  const lib = buildNative(generateC(loadConfig(text, `<${name}>`), { configText: text }), { kind: 'shared' }).output;
  const router = new NativeRouter(lib);
  const mpps = Array.from({ length: runs }, () => once(router)).sort((a, b) => a - b);
  console.log(`| ${name} | ${mpps[Math.floor(runs / 2)]!.toFixed(2)} | ${mpps[0]!.toFixed(2)}-${mpps[runs - 1]!.toFixed(2)} |`);
}
