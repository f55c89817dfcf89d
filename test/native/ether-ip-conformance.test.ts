// The original Click's conformance cases that exercise the Ethernet and IP
// elements, run whole (FromDump ... ToDump) in both engines: the native run
// must match the host engine file for file and handler for handler, and its
// captures must hold the packets Click produced, byte for byte, in order.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { differential, runNative, sanitizerRun } from './differential.js';
import { allNative } from './ether-ip-harness.js';
import { readCapture } from '../../host-engine/pcap.js';
import { toHex } from '../util/packets.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/conformance');
const CASES = ['02-check-ip-header', '06-ttl-icmp-error', '07-ether-encap', '08-arp-responder', '13-ip-fragmenter', '15-vlan', '21-udp-ip-encap'];

const packetsOf = (hexBytes: string) => readCapture(Buffer.from(hexBytes, 'hex')).packets.map((p) => toHex(p.data));

/**
 * Where Click's output holds bytes it never initialised: in case 02, Unstrip
 * of a frame shorter than 14 bytes exposes headroom (here zero-filled). Such
 * a packet is 14 bytes long; its leading zero bytes in our run stand for
 * Click's unknown ones, the rest must match.
 */
function maskUninitialised(name: string, file: string, ours: string[], theirs: string[]): string[] {
  if (name !== '02-check-ip-header' || file !== 'bad.pcap') return theirs;
  return theirs.map((h, i) => {
    const mine = ours[i];
    if (h.length !== 28 || mine === undefined || mine.length !== 28) return h;
    const zeros = /^(00)*/.exec(mine)![0].length;
    return mine.slice(0, zeros) + h.slice(zeros);
  });
}

for (const name of CASES) {
  const dir = join(casesDir, name);
  const config = readFileSync(join(dir, 'config.click'), 'utf8');
  const handlers = readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
  const native = allNative(config);
  t.test(`conformance ${name}`, { skip: native.ok ? false : `no native ${native.missing.join(', ')} yet` }, async (t) => {
    differential(t, { config, fromDir: dir, handlers });

    // Against what the original Click wrote.
    const run = runNative({ config, fromDir: dir, handlers });
    const expectedFiles = readdirSync(join(dir, 'expected')).filter((f) => f.endsWith('.pcap'));
    for (const f of expectedFiles) {
      const want = readCapture(new Uint8Array(readFileSync(join(dir, 'expected', f)))).packets.map((p) => toHex(p.data));
      const got = run.files[f] === undefined ? [] : packetsOf(run.files[f]!);
      t.same(got, maskUninitialised(name, f, got, want), `${f}: Click's packets, in order`);
    }
    const stdout = readFileSync(join(dir, 'expected', 'stdout.txt'), 'utf8');
    const printed = handlers.length === 1 ? `${run.handlers[handlers[0]!]}\n` : handlers.map((h) => `${h}:\n${run.handlers[h]}\n\n`).join('');
    t.equal(printed, stdout, "handler values as Click's");
  });
}

t.test('conformance 13 (fragments) in the sanitizer build', { skip: allNative(readFileSync(join(casesDir, '13-ip-fragmenter', 'config.click'), 'utf8')).ok ? false : 'missing native classes' }, async (t) => {
  const dir = join(casesDir, '13-ip-fragmenter');
  sanitizerRun(t, { config: readFileSync(join(dir, 'config.click'), 'utf8'), fromDir: dir, handlers: readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean) });
});
