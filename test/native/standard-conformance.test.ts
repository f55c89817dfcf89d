// The original Click's conformance cases built on the standard elements
// (Counter, Tee, Paint, PaintSwitch, Truncate, HashSwitch, RoundRobinSwitch,
// Queue, Unqueue, CheckLength, StoreData), run whole from FromDump to ToDump
// in both engines, and the native captures and handler values checked
// against what Click produced.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { differential, runNative, sanitizerRun } from './differential.js';
import { readCapture } from '../../host-engine/pcap.js';
import { toHex } from '../util/packets.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/conformance');
const CASES = ['01-counter', '11-paint-tee', '17-load-balance', '19-queue-pull', '20-check-length-store'];

const packetsOf = (bytes: Uint8Array) => readCapture(bytes).packets.map((p) => toHex(p.data));

function load(name: string) {
  const dir = join(casesDir, name);
  const config = readFileSync(join(dir, 'config.click'), 'utf8');
  const handlers = readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
  return { dir, config, handlers };
}

for (const name of CASES) {
  t.test(`conformance ${name}`, async (t) => {
    const { dir, config, handlers } = load(name);
    differential(t, { config, fromDir: dir, handlers });

    const run = runNative({ config, fromDir: dir, handlers });
    const expected = readdirSync(join(dir, 'expected')).filter((f) => f.endsWith('.pcap'));
    t.ok(expected.length > 0, 'the case has captures to compare');
    for (const f of expected) {
      const want = packetsOf(new Uint8Array(readFileSync(join(dir, 'expected', f))));
      const got = run.files[f] === undefined ? [] : packetsOf(Buffer.from(run.files[f]!, 'hex'));
      t.same(got, want, `${f}: Click's packets, in order`);
    }
    const stdout = readFileSync(join(dir, 'expected', 'stdout.txt'), 'utf8');
    const printed = handlers.length === 1 ? `${run.handlers[handlers[0]!]}\n` : handlers.map((h) => `${h}:\n${run.handlers[h]}\n\n`).join('');
    t.equal(printed, stdout, "handler values as Click's");
  });
}

t.test('conformance 19 (queue and unqueue) in the sanitizer build', async (t) => {
  const { dir, config, handlers } = load('19-queue-pull');
  sanitizerRun(t, { config, fromDir: dir, handlers });
});

t.test('conformance 11 (tee, paint, truncate) in the sanitizer build', async (t) => {
  const { dir, config, handlers } = load('11-paint-tee');
  sanitizerRun(t, { config, fromDir: dir, handlers });
});
