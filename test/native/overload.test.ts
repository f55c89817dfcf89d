// Overload (benchmarks/overload.ts, 3 s here; `npm run bench:overload` runs
// 60 s and prints the figures): an unlimited source into a full Queue on the
// compiled binary in real time. Every packet is accounted for at rest (sent =
// forwarded + dropped at the Queue + still queued, and the binary's own
// accounting check with the pool's books passes), memory stops growing, and
// the ControlSocket answers every read while the source runs flat out.

import t from 'tap';
import { runOverload } from '../../benchmarks/overload.js';
import { NATIVE_CACHE_DIR } from './engines.js';

t.test('an unlimited source into a full Queue', async (t) => {
  const r = await runOverload({ seconds: 3, sampleMs: 200, cacheDir: NATIVE_CACHE_DIR });
  const { sent, dropped, queued, forwarded } = r.counts;
  t.equal(r.status, 0, `exit status 0, accounting passes (stderr: ${r.stderr.trim()})`);
  t.ok(dropped > 0n, `the Queue dropped (${dropped} of ${sent})`);
  t.ok(forwarded > 0n, `packets went through (${forwarded})`);
  t.equal(sent, forwarded + dropped + queued, 'sent = forwarded + dropped + queued');
  // Reads were all answered (runOverload waits for late ones); "at all" is the bound, not a time.
  t.ok(r.samples.length >= 5, `${r.samples.length} reads answered during the overload`);
  const half = Math.floor(r.samples.length / 2);
  const firstMax = Math.max(...r.samples.slice(0, half).map((s) => s.rssKiB));
  const lastMax = Math.max(...r.samples.slice(half).map((s) => s.rssKiB));
  t.ok(lastMax <= firstMax + 512, `RSS stops growing: ${firstMax} KiB max in the first half, ${lastMax} KiB in the second`);
});
