// `npm run fuzz:native -- [--seconds N] [--target NAME] [--seed N]`: a
// libFuzzer campaign per target (all by default), reporting execs and
// libFuzzer's coverage figures (cov: edges, ft: features). The corpus and
// any crash files stay in fuzz-findings/native/<target>/ (not in git);
// each crash is minimized and copied to test/fuzz/native/regressions/, which
// test/fuzz/native.test.ts replays.

import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../../dataplane-native/native-spec.js';
import { buildFuzzer, campaign, clangVersion, minimize, regressionsDir, writeSeeds } from './fuzzer.js';
import { findTarget, targets } from './targets.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
  },
});
if (!clangVersion()) {
  console.error('fuzz:native: clang is not installed (run scripts/setup.sh)');
  process.exit(1);
}
const chosen = values.target ? [findTarget(values.target)] : targets;
const seconds = Number(values.seconds);
const findings = join(repoRoot, 'fuzz-findings', 'native');
const seedDir = join(findings, 'seeds');
console.log(`fuzz:native: ${writeSeeds(seedDir)} seed inputs; ${chosen.length} target(s), ${seconds} s each`);
const fileSeedDir = join(findings, 'seeds-files');
writeSeeds(fileSeedDir, true);
let crashes = 0;
for (const t of chosen) {
  const bin = buildFuzzer(t);
  const dir = join(findings, t.name);
  const r = await campaign(bin, {
    seconds,
    corpusDir: join(dir, 'corpus'),
    seedDir: t.inputFile ? fileSeedDir : seedDir,
    artifactDir: join(dir, 'artifacts'),
    seed: values.seed !== undefined ? Number(values.seed) : undefined,
  });
  console.log(`${t.name} (${t.covers.join(', ')}): ${r.execs} execs, cov ${r.cov}, ft ${r.ft}, corpus ${r.corpus}, exit ${r.status}`);
  for (const a of r.artifacts) {
    crashes++;
    const min = `${a}.min`;
    minimize(bin, a, min);
    mkdirSync(regressionsDir, { recursive: true });
    const dest = join(regressionsDir, `${t.name}-${basename(a)}`);
    try {
      copyFileSync(min, dest);
    } catch {
      copyFileSync(a, dest);
    }
    console.log(`  finding: ${a} -> ${dest}`);
    const summary = r.log.match(/^(SUMMARY:.*|.*ERROR: .*|fuzz harness: .*)$/m);
    if (summary) console.log(`    ${summary[0]}`);
  }
}
process.exit(crashes ? 1 : 0);
