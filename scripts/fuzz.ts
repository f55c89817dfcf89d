// `npm run fuzz`: long fuzzing campaigns, reporting inputs tried and what
// was found. Findings are written to fuzz-findings/ (one file each, with the
// problem in its first line as a comment) so they can become regression
// inputs under test/fuzz/regressions/.
//
//   npm run fuzz -- [--target config] [--seconds 300] [--seed N]

import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { campaign } from '../test/fuzz/config-fuzz.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'config' },
    seconds: { type: 'string', default: '300' },
    seed: { type: 'string', default: String(Date.now() >>> 0) },
  },
});
const seconds = Number(values.seconds);
const seed = Number(values.seed);
if (values.target !== 'config') {
  console.error(`fuzz: unknown target '${values.target}' (targets: config)`);
  process.exit(1);
}
console.log(`fuzz: config front end, seed ${seed}, ${seconds} s`);
const r = campaign({ seed, seconds });
console.log(`fuzz: ${r.tried} inputs tried: ${r.checked} checked, ${r.errors} with positioned errors, ${r.findings.length} findings; slowest ${r.slowestMs.toFixed(0)} ms`);
if (r.findings.length) {
  const dir = join(process.cwd(), 'fuzz-findings');
  mkdirSync(dir, { recursive: true });
  for (const f of r.findings) {
    const name = createHash('sha256').update(f.input).digest('hex').slice(0, 16);
    writeFileSync(join(dir, `${name}.click`), `// ${f.problem.replace(/\n/g, ' ')}\n${f.input}`);
    console.log(`  ${name}: ${f.problem.split('\n')[0]}`);
  }
  process.exit(1);
}
