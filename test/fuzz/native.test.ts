// The native element code under libFuzzer with AddressSanitizer and
// UndefinedBehaviorSanitizer (test/fuzz/native/): each target configuration
// fuzzed for a few seconds from the conformance-pcap seeds must neither crash
// nor break the accounting check, and every saved regression input replays
// cleanly; then the campaign's corpus, the seeds and the regressions go
// through the host engine too, which must make the same frames and text of
// every input (differential.ts). `npm run fuzz:native` runs the long campaigns.

import t from 'tap';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFuzzer, campaign, clangVersion, encodeFrames, regressionsOf, replay, writeSeeds } from './native/fuzzer.js';
import { targets } from './native/targets.js';
import { divergences } from './native/differential.js';

const clang = clangVersion();
const SECONDS = 3;

t.test('native targets under libFuzzer', { skip: clang ? false : 'clang is not installed (scripts/setup.sh installs it)' }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'clickvm-native-fuzz-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const frameSeeds = join(work, 'seeds');
  const fileSeeds = join(work, 'seeds-files');
  t.ok(writeSeeds(frameSeeds) > 0, 'seed inputs from the conformance pcaps');
  t.ok(writeSeeds(fileSeeds, true) > 0, 'seed files: the conformance pcaps, IP summary dumps');
  for (const target of targets) {
    await t.test(target.name, async (t) => {
      const seedDir = target.inputFile ? fileSeeds : frameSeeds;
      const bin = buildFuzzer(target);
      const r = await campaign(bin, { seconds: SECONDS, seed: 20261207, corpusDir: join(work, target.name), seedDir, artifactDir: join(work, `${target.name}-artifacts`) });
      t.equal(r.status, 0, 'no sanitizer report, no accounting violation', { log: r.log.slice(-4000) });
      t.same(r.artifacts, [], 'no crash file');
      t.ok(r.execs > 0 && r.cov > 0, `inputs ran (${r.execs} execs, cov ${r.cov}, ft ${r.ft})`);
      const regs = regressionsOf(target.name);
      const rr = replay(bin, regs);
      t.equal(rr.status, 0, `${regs.length} regression input(s) replay cleanly`, { log: rr.log.slice(-4000) });
      if (target.inputFile) return;   // the host engine's file readers are compared by the conformance cases
      const corpus = join(work, target.name);
      const inputs = [...readdirSync(corpus).map((f) => join(corpus, f)), ...readdirSync(seedDir).map((f) => join(seedDir, f)), ...regs];
      const d = divergences(target, bin, inputs);
      t.ok(d.framesOut > 0, `the inputs made frames to compare (${d.framesOut} from ${inputs.length} inputs)`);
      t.same(d.found.slice(0, 3), [], `the host engine makes what the native code made of every input (${d.found.length} of ${inputs.length} differ)`);
    });
  }
});

t.test('a leak is caught: the harness leaking a pool packet per input fails the accounting check', { skip: clang ? false : 'clang is not installed' }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'clickvm-native-fuzz-leak-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  writeSeeds(work);
  const seed = join(work, readdirSync(work)[0]!);
  const bin = buildFuzzer(targets[0]!);
  t.equal(replay(bin, [seed]).status, 0, 'the input replays cleanly');
  const leaking = replay(bin, [seed], { CVM_FUZZ_LEAK: '1' });
  t.not(leaking.status, 0, 'with CVM_FUZZ_LEAK=1 the run aborts');
  t.match(leaking.log, /accounting violated[\s\S]*packet pool: 1 packets in use \(not counting elements' own\), elements hold 0/, 'the pool\'s books name the leaked packet');
});

t.test('frame encoding: 2-byte big-endian lengths', async (t) => {
  t.same([...encodeFrames([Uint8Array.of(1, 2, 3), Uint8Array.of()])], [0, 3, 1, 2, 3, 0, 0]);
});
