// The configuration fuzzer, a short seeded run (`npm run fuzz` runs long
// campaigns), and the inputs earlier runs or reviews found, kept as
// regressions: every one must check or fail with positioned diagnostics,
// quickly.

import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { campaign, tryConfig } from './config-fuzz.js';

t.test('a seeded campaign finds nothing', async (t) => {
  const r = campaign({ seed: 20261207, count: 3000, slowMs: 10_000 });
  t.equal(r.tried, 3000);
  t.ok(r.checked > 0 && r.errors > 0, `both outcomes seen (${r.checked} checked, ${r.errors} with errors)`);
  t.same(r.findings, [], 'no uncaught exception, misplaced diagnostic or slow input');
});

t.test('regression inputs and the big ones: bounded, positioned', async (t) => {
  const dir = join(import.meta.dirname, 'regressions');
  const inputs: [string, string][] = readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'latin1')]);
  const N = 10_000;
  inputs.push(
    ['10,000 nested compounds', '{ '.repeat(N) + 'input -> output' + ' }'.repeat(N) + ';'],
    ['10,000 nested element classes', Array.from({ length: N }, (_, i) => `elementclass A${i} { `).join('') + 'input -> output' + ' }'.repeat(N) + ' Idle -> A0 -> Discard;'],
    ['10,000 nested parentheses', 'Print(' + '('.repeat(N) + ')'.repeat(N) + ');'],
    ['1 MB of one word', 'x'.repeat(1 << 20)],
    ['an unterminated 1 MB comment', '/*' + 'x'.repeat(1 << 20)],
    ['an unterminated 1 MB string', 'Print("' + 'x'.repeat(1 << 20)],
    ['a chain of 20,000 elements', 'InfiniteSource(LIMIT 1)' + ' -> Null'.repeat(20_000) + ' -> Discard;'],
    ['5,000 chained defines', Array.from({ length: 5000 }, (_, i) => `define($v${i + 1} $v${i});`).join('') + 'define($v0 1); Idle -> Print($v5000) -> Discard;'],
    ['a compound that uses itself', 'elementclass A { input -> A -> output } Idle -> A -> Discard;'],
    ['two compounds using each other', 'elementclass A { input -> B -> output } elementclass B { input -> A -> output } Idle -> A -> Discard;'],
  );
  for (const [name, text] of inputs) {
    const r = tryConfig(text, 20_000);
    t.equal(r.problem, undefined, `${name}: ${r.outcome} in ${r.ms.toFixed(0)} ms`);
  }
});
