// The conformance cases that exercise routing, ICMP, TCP/UDP and NAT
// elements, run through both engines: every output capture byte for byte,
// standard error, and the case's handlers. The native captures are also
// checked against the original Click's expected packets.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../host-engine/pcap.js';
import { differential, runNative, sanitizerRun } from './differential.js';

const casesDir = join(import.meta.dirname, '../fixtures/conformance');
const CASES = ['06-ttl-icmp-error', '09-route-lookup', '10-nat-rewriter', '14-dscp-checksum', '16-ping-responder', '18-ip-router'];

function caseSpec(name: string) {
  const dir = join(casesDir, name);
  const handlers = readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
  return { config: readFileSync(join(dir, 'config.click'), 'utf8'), fromDir: dir, handlers };
}

const packetsOf = (hex: string | Uint8Array) =>
  readCapture(typeof hex === 'string' ? Uint8Array.from(Buffer.from(hex, 'hex')) : hex).packets.map((p) => Buffer.from(p.data).toString('hex'));

for (const name of CASES) {
  t.test(name, async (t) => {
    const spec = caseSpec(name);
    differential(t, spec);
    // The native run alone against what Click wrote.
    const native = runNative(spec);
    const expectedDir = join(spec.fromDir, 'expected');
    for (const f of Object.keys(native.files).filter((f) => f.endsWith('.pcap'))) {
      const want = join(expectedDir, f);
      if (!existsSync(want)) continue;
      t.same(packetsOf(native.files[f]!), packetsOf(readFileSync(want)), `${f}: Click's packets`);
    }
  });
}

t.test('sanitizer build: NAT and router cases', async (t) => {
  sanitizerRun(t, caseSpec('10-nat-rewriter'));
  sanitizerRun(t, caseSpec('18-ip-router'));
});
